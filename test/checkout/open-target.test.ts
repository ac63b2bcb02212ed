import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openTarget } from "../../src/checkout/open-target.ts";
import { isRelayProofError } from "../../src/errors.ts";
import { fixtureRepo, tempDir } from "../helpers/fixture-repo.ts";

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isRelayProofError(error) ? error.code : "not-branded";
  }
}

describe("openTarget", () => {
  it("names the exact commit of a clean checkout and reads its package.json", async () => {
    const repo = fixtureRepo({ engines: ">=22.19" });
    const target = await openTarget({ repo: join(repo.root, "src") });
    expect(target).toMatchObject({ root: repo.root, head: repo.head, dirty: false, dirtyPaths: [] });
    expect(target.packageJson?.engines?.node).toBe(">=22.19");
  });

  it("marks a modified tree dirty and lists the paths", async () => {
    const repo = fixtureRepo();
    writeFileSync(join(repo.root, "README.md"), "changed\n");
    const target = await openTarget({ repo: repo.root });
    expect(target.dirty).toBe(true);
    expect(target.dirtyPaths).toEqual(["README.md"]);
  });

  it("names a modified tracked file in full, and ignores a mode-only change such as pnpm's chmod of a bin", async () => {
    const repo = fixtureRepo();
    chmodSync(join(repo.root, "fixtureClaw.mjs"), 0o755);
    expect((await openTarget({ repo: repo.root })).dirty).toBe(false);
    writeFileSync(join(repo.root, "fixtureClaw.mjs"), "// changed\n");
    const target = await openTarget({ repo: repo.root });
    expect(target.dirtyPaths).toEqual(["fixtureClaw.mjs"]);
  });

  it("does not count untracked node_modules folders of workspace packages as changes", async () => {
    const repo = fixtureRepo();
    mkdirSync(join(repo.root, "packages", "normalization-core", "node_modules", "dep"), { recursive: true });
    writeFileSync(join(repo.root, "packages", "normalization-core", "node_modules", "dep", "index.js"), "\n");
    writeFileSync(join(repo.root, "packages", "normalization-core", "src", "new.ts"), "export {};\n");
    const target = await openTarget({ repo: repo.root });
    expect(target.dirtyPaths).toEqual(["packages/normalization-core/src/new.ts"]);
  });

  it("refuses a dirty tree with requireClean", async () => {
    const repo = fixtureRepo();
    writeFileSync(join(repo.root, "extra.txt"), "x\n");
    expect(await codeOf(openTarget({ repo: repo.root, requireClean: true }))).toBe("DIRTY_TREE");
  });

  it("rejects a missing path and a directory outside git with usage codes", async () => {
    expect(await codeOf(openTarget({ repo: "/nonexistent/relay-proof-repo" }))).toBe("REPO_NOT_FOUND");
    expect(await codeOf(openTarget({ repo: tempDir() }))).toBe("NOT_A_GIT_REPO");
  });
});
