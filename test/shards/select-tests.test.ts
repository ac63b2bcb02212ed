import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { selectTests } from "../../src/shards/select-tests.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

describe("selectTests", () => {
  it("takes the proof's files and reports the missing ones instead of dropping them", async () => {
    const repo = fixtureRepo();
    const selection = await selectTests({
      root: repo.root,
      proofTests: ["src/cli/native-hook-relay-cli.test.ts", "src/not-there.test.ts"],
    });
    expect(selection).toEqual({
      source: "proof",
      files: ["src/cli/native-hook-relay-cli.test.ts"],
      missing: ["src/not-there.test.ts"],
    });
  });

  it("lets --tests override the proof's files", async () => {
    const repo = fixtureRepo();
    const selection = await selectTests({
      root: repo.root,
      proofTests: ["x.test.ts"],
      tests: ["./src/agents/harness/failing.test.ts"],
    });
    expect(selection).toEqual({ source: "flag", files: ["src/agents/harness/failing.test.ts"], missing: [] });
  });

  it("with --changed, takes changed test files and the tests beside changed sources", async () => {
    const repo = fixtureRepo();
    const base = repo.head;
    writeFileSync(join(repo.root, "src/cli/native-hook-relay-cli.ts"), "// touched\nexport {};\n");
    writeFileSync(join(repo.root, "src/agents/harness/failing.test.ts"), "// touched\n");
    repo.commit("touch the cli and a test");
    writeFileSync(join(repo.root, "README.md"), "uncommitted, not a test\n");
    const selection = await selectTests({ root: repo.root, proofTests: [], changed: base });
    expect(selection.source).toBe("changed");
    expect(selection.files.sort()).toEqual([
      "src/agents/harness/failing.test.ts",
      "src/cli/native-hook-relay-cli.test.ts",
    ]);
    expect(selection.missing).toEqual([]);
  });

  it("with --changed, ignores the test files of untracked node_modules folders (pnpm leaves them in packages)", async () => {
    const repo = fixtureRepo();
    const base = repo.head;
    mkdirSync(join(repo.root, "packages/normalization-core/node_modules/zod/tests"), { recursive: true });
    writeFileSync(join(repo.root, "packages/normalization-core/node_modules/zod/tests/array.test.ts"), "\n");
    const selection = await selectTests({
      root: repo.root,
      proofTests: [],
      changed: base,
      related: async () => ["packages/normalization-core/node_modules/zod/tests/array.test.ts"],
    });
    expect(selection).toEqual({ source: "changed", files: [], missing: [] });
  });
});
