// The head's config and logs kept in the run's private dirs: the child points the head at a private
// config whose log file is in its TMPDIR, and a `/tmp/<brand>` the run made goes at teardown.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { keepHeadFilesPrivate } from "../../../proofs/relay/head-files.ts";
import type { ScenarioContext } from "../../../src/scenario/definition.ts";
import { tempDir } from "../../helpers/fixture-repo.ts";

const variable = "ACMECLAW_CONFIG_PATH";

/** A checkout whose gateway client reads ACMECLAW_GATEWAY_TOKEN, and the context parts head-files uses. */
function setUp() {
  const root = tempDir("head-files-");
  mkdirSync(join(root, "repo", "src", "gateway"), { recursive: true });
  writeFileSync(join(root, "repo", "package.json"), JSON.stringify({ name: "acme", bin: { acmeclaw: "x" } }));
  writeFileSync(join(root, "repo", "src", "gateway", "call.ts"), "process.env.ACMECLAW_GATEWAY_TOKEN;\n");
  mkdirSync(join(root, "child-tmp"));
  mkdirSync(join(root, "tmp"));
  const teardowns: (() => unknown)[] = [];
  const ctx = {
    repoRoot: join(root, "repo"),
    tmpDir: join(root, "child-tmp"),
    find: (path: string) => (existsSync(join(root, "repo", path)) ? join(root, "repo", path) : undefined),
    onTeardown: (task: () => unknown) => teardowns.push(task),
  } as unknown as ScenarioContext;
  const teardown = async () => {
    for (const task of teardowns.reverse()) await task();
  };
  return { ctx, tmpRoot: join(root, "tmp"), childTmp: join(root, "child-tmp"), teardown };
}

afterEach(() => {
  delete process.env[variable];
});

describe("keepHeadFilesPrivate", () => {
  it("points the head's config at a private file whose log is in the child's TMPDIR", () => {
    const { ctx, tmpRoot, childTmp } = setUp();
    const config = keepHeadFilesPrivate(ctx, tmpRoot);
    expect(config.prefix).toBe("ACMECLAW");
    expect(process.env[variable]).toBe(config.path);
    expect(config.path?.startsWith(childTmp)).toBe(true);
    const written = JSON.parse(readFileSync(config.path as string, "utf8"));
    expect(written.logging.file.startsWith(childTmp)).toBe(true);
    config.merge({ plugins: { enabled: false } });
    const merged = JSON.parse(readFileSync(config.path as string, "utf8"));
    expect(merged).toEqual({ logging: written.logging, plugins: { enabled: false } });
  });

  it("keeps a config the user passed on", () => {
    const { ctx, tmpRoot } = setUp();
    process.env[variable] = "/their/config.json";
    const config = keepHeadFilesPrivate(ctx, tmpRoot);
    expect(config.path).toBeUndefined();
    expect(process.env[variable]).toBe("/their/config.json");
  });

  it("removes the head's shared temp dir when this run made it, with the head's logs in it", async () => {
    const { ctx, tmpRoot, teardown } = setUp();
    keepHeadFilesPrivate(ctx, tmpRoot);
    const shared = join(tmpRoot, "acmeclaw");
    mkdirSync(shared);
    writeFileSync(join(shared, "acmeclaw-2026-12-07.log"), "{}\n");
    await teardown();
    expect(existsSync(shared)).toBe(false);
  });

  it("leaves a shared temp dir that was there before, and one holding another program's files", async () => {
    const before = setUp();
    const shared = join(before.tmpRoot, "acmeclaw");
    mkdirSync(shared);
    writeFileSync(join(shared, "acmeclaw-2026-12-06.log"), "theirs\n");
    keepHeadFilesPrivate(before.ctx, before.tmpRoot);
    await before.teardown();
    expect(readFileSync(join(shared, "acmeclaw-2026-12-06.log"), "utf8")).toBe("theirs\n");

    const after = setUp();
    keepHeadFilesPrivate(after.ctx, after.tmpRoot);
    const made = join(after.tmpRoot, "acmeclaw");
    mkdirSync(made);
    writeFileSync(join(made, "session.jsonl"), "theirs\n");
    await after.teardown();
    expect(existsSync(join(made, "session.jsonl"))).toBe(true);
  });
});
