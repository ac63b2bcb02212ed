import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mergeResults } from "../../src/engine/merge-results.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { type Cleanup, fixtureRepo, tempDir } from "../helpers/fixture-repo.ts";

async function shardResults(count: number, proof?: string[], cleanup?: Cleanup) {
  const repo = fixtureRepo({}, cleanup);
  const dir = tempDir(undefined, cleanup);
  const files: string[] = [];
  for (let index = 1; index <= count; index++) {
    const result = await runProof({ repo: repo.root, proof, tests: { shardIndex: { index, count } } });
    const file = join(dir, `shard-${index}.json`);
    writeFileSync(file, JSON.stringify(result));
    files.push(file);
  }
  return { repo, dir, files };
}

/** The default proof's two shard results, which the tests below only read: run once for the file. */
const afterFile: (() => void)[] = [];
afterAll(() => {
  for (const remove of afterFile) remove();
});
let twoShards: ReturnType<typeof shardResults> | undefined;
function sharedTwoShards(): ReturnType<typeof shardResults> {
  twoShards ??= shardResults(2, undefined, (remove) => afterFile.push(remove));
  return twoShards;
}

describe("mergeResults", () => {
  it("sums the shards of every machine into one holding result", async () => {
    const { repo, files } = await sharedTwoShards();
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
    const { files } = await sharedTwoShards();
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

/** A small proof, as a file: id and checks fixed, `note` only changes its content. */
function proofSource(note: string): string {
  return `// ${note}
export default {
  id: "exports-register", title: "The relay module exports registerNativeHookRelay", behavior: "A smoke test.",
  module: { candidates: ["src/agents/harness/native-hook-relay.ts"] },
  requiredChecks: ["register-export"], summaryInfo: [], tests: [],
  async scenario(ctx) {
    const relay = await ctx.load("a");
    await ctx.check({ key: "register-export", expected: "function", required: true }, async () => {
      const type = typeof relay.registerNativeHookRelay;
      return { status: type === "function" ? "pass" : "fail", value: type };
    });
  },
};
`;
}

describe("mergeResults of a proof file's shards from machines where it sits elsewhere", () => {
  it("records the file's hash and repo path, and merges shards whose files agree by content", async () => {
    const first = fixtureRepo({ files: { "proofs/exports-register.mjs": proofSource("v1") } });
    // A second machine: the same commit at another path.
    const second = tempDir();
    execFileSync("git", ["clone", "--quiet", first.root, second]);
    const dir = tempDir();
    const files: string[] = [];
    for (const [index, root] of [first.root, second].entries()) {
      const result = await runProof({
        repo: root,
        proof: join(root, "proofs/exports-register.mjs"),
        tests: false,
      });
      expect(result.proof).toMatchObject({
        file: join(root, "proofs/exports-register.mjs"),
        fileInRepo: "proofs/exports-register.mjs",
        fileSha256: createHash("sha256").update(proofSource("v1")).digest("hex"),
      });
      files.push(join(dir, `shard-${index}.json`));
      writeFileSync(files.at(-1) as string, JSON.stringify(result));
    }
    // Neither recorded path exists here: the file is found under --repo by its repo path and hash.
    rmSync(first.root, { recursive: true, force: true });
    rmSync(second, { recursive: true, force: true });
    const here = tempDir();
    mkdirSync(join(here, "proofs"));
    writeFileSync(join(here, "proofs/exports-register.mjs"), proofSource("v1"));
    const merged = await mergeResults(files, { repo: here });
    expect(merged.verdict).toBe("holds");
    expect(merged.proofLines.slice(-2)).toEqual([
      "[proof] register-export=function",
      "[proof] verdict=holds",
    ]);
    // A copy here with other content is not that proof.
    writeFileSync(join(here, "proofs/exports-register.mjs"), proofSource("v2"));
    await expect(mergeResults(files, { repo: here })).rejects.toMatchObject({
      code: "USAGE",
      message: expect.stringMatching(
        /^proof file proofs\/exports-register\.mjs \(sha256 [0-9a-f]{12}\) is not on this machine/,
      ),
    });
  });

  it("refuses, in one line, shards that ran proof files of different content", async () => {
    const repo = fixtureRepo();
    const dir = tempDir();
    const files: string[] = [];
    for (const note of ["v1", "v2"]) {
      const proof = join(dir, `${note}.mjs`);
      writeFileSync(proof, proofSource(note));
      const result = await runProof({ repo: repo.root, proof, tests: false });
      files.push(join(dir, `${note}.json`));
      writeFileSync(files.at(-1) as string, JSON.stringify(result));
    }
    const error = await mergeResults(files).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: "USAGE",
      message: expect.stringMatching(
        /v2\.json ran proof file .*v2\.mjs \(sha256 [0-9a-f]{12}\), .*v1\.json ran proof file .*v1\.mjs \(sha256 [0-9a-f]{12}\)$/,
      ),
      hint: "merge only the shards of one proof: the same proof file content on every machine",
    });
    expect((error as Error).message).not.toContain("\n");
  });
});
