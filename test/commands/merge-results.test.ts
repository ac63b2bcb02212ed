import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeResults } from "../../src/commands/merge-results.ts";
import { runProof } from "../../src/commands/run-proof.ts";
import { fixtureRepo, tempDir } from "../helpers/fixture-repo.ts";

async function shardResults(count: number) {
  const repo = fixtureRepo();
  const dir = tempDir();
  const files: string[] = [];
  for (let index = 1; index <= count; index++) {
    const result = await runProof({ repo: repo.root, tests: { shardIndex: { index, count } } });
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
