import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeResults } from "../../src/engine/merge-results.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { fixtureRepo, tempDir } from "../helpers/fixture-repo.ts";

async function shardResults(count: number, proof?: string[]) {
  const repo = fixtureRepo();
  const dir = tempDir();
  const files: string[] = [];
  for (let index = 1; index <= count; index++) {
    const result = await runProof({ repo: repo.root, proof, tests: { shardIndex: { index, count } } });
    const file = join(dir, `shard-${index}.json`);
    writeFileSync(file, JSON.stringify(result));
    files.push(file);
  }
  return { repo, dir, files };
}

describe("mergeResults", () => {
  it("sums the shards of every machine into one holding result", async () => {
    const { repo, files } = await shardResults(2);
    const merged = await mergeResults(files);
    expect(merged).toMatchObject({
      verdict: "holds",
      exitCode: 0,
      tests: { passed: 10, total: 10, shardCount: 2, status: "pass" },
    });
    expect(merged.tests?.shards.map((shard) => shard.index)).toEqual([1, 2]);
    expect(merged.proofLines.slice(-2)).toEqual(["[proof] tests=10/10 shards=2", "[proof] verdict=holds"]);
    expect(merged.proofLines).toContain(`[proof] head=${repo.head}`);
  });

  it("merges the shards of a run of several proofs, keeping each proof's verdict line", async () => {
    const { repo, files } = await shardResults(2, ["native-hook-relay", "grace-window"]);
    const merged = await mergeResults(files);
    expect(merged.verdict).toBe("holds");
    expect(merged.proofs?.map((outcome) => [outcome.proof.id, outcome.verdict])).toEqual([
      ["native-hook-relay", "holds"],
      ["grace-window", "holds"],
    ]);
    expect(merged.proofLines.slice(-5)).toEqual([
      `[proof] head=${repo.head}`,
      "[proof] native-hook-relay=holds",
      "[proof] grace-window=holds",
      "[proof] tests=10/10 shards=2",
      "[proof] verdict=holds",
    ]);
  });

  it("never passes with a shard missing", async () => {
    const { files } = await shardResults(2);
    const merged = await mergeResults([files[0] as string]);
    expect(merged.verdict).toBe("cannot-test");
    expect(merged.reasons).toContain("tests: shard 2/2 has no result");
  });

  it("refuses results of different heads and the same shard twice", async () => {
    const { files } = await shardResults(1);
    const other = await runProof({
      repo: fixtureRepo({ brand: "other" }).root,
      tests: { shardIndex: { index: 1, count: 1 } },
    });
    const otherFile = join(tempDir(), "other.json");
    writeFileSync(otherFile, JSON.stringify(other));
    await expect(mergeResults([files[0] as string, otherFile])).rejects.toMatchObject({ code: "USAGE" });
    await expect(mergeResults([files[0] as string, files[0] as string])).rejects.toThrow(
      "shard 1 appears in more than one result",
    );
  });

  it("refuses a file that is not a relay-proof result", async () => {
    const file = join(tempDir(), "x.json");
    writeFileSync(file, '{"hello":1}');
    await expect(mergeResults([file])).rejects.toThrow(/is not a relay-proof run result/);
  });
});

describe("mergeResults with Vitest blob reports", () => {
  it("merges the blobs config by config with Vitest's --merge-reports and cross-checks the totals", async () => {
    const repo = fixtureRepo();
    const dir = tempDir();
    const blobs = join(dir, "blobs");
    const files: string[] = [];
    for (const index of [1, 2]) {
      const result = await runProof({
        repo: repo.root,
        tests: { shardIndex: { index, count: 2 }, blobDir: blobs },
      });
      const file = join(dir, `shard-${index}.json`);
      writeFileSync(file, JSON.stringify(result));
      files.push(file);
    }
    const merged = await mergeResults(files, { blobs });
    expect(merged.verdict).toBe("holds");
    expect(merged.tests?.vitestMerge).toMatchObject({ passed: 10, total: 10, errors: [] });
    expect(merged.tests?.vitestMerge?.groups.map((group) => group.project).sort()).toEqual([
      "agents",
      "cli",
      "extension-codex",
      "gateway-client",
    ]);
  });

  it("fails the merge when Vitest's totals disagree with the shard results", async () => {
    const repo = fixtureRepo();
    const dir = tempDir();
    const blobs = join(dir, "blobs");
    const result = await runProof({
      repo: repo.root,
      tests: { shardIndex: { index: 1, count: 1 }, blobDir: blobs },
    });
    const file = join(dir, "shard-1.json");
    // A doctored result claiming more tests than Vitest's own blobs hold.
    const doctored = structuredClone(result);
    const shard = doctored.tests?.shards[0];
    if (!shard) throw new Error("no shard");
    shard.passed += 1;
    shard.total += 1;
    writeFileSync(file, JSON.stringify(doctored));
    const merged = await mergeResults([file], { blobs });
    expect(merged.verdict).toBe("fails");
    expect(merged.reasons).toContain("tests: vitest --merge-reports counted 10/10, the shard results 11/11");
  });
});
