// `--build-mode` (issue 17): dev builds with the repo's own switch for no type declarations, full runs
// the build as it is, source builds nothing and runs src/entry.ts through the checkout's tsx. Each says
// which it was in the `cli` line and the result; source says it is not the shipped bundle.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildsDir } from "../../src/checkout/cli/build/cache.ts";
import { checkoutLoaderCaches } from "../../src/checkout/loader-cache.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { renderMarkdown } from "../../src/reports/markdown.ts";
import { privateCache, treeOf } from "../helpers/build-cache.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

const commandKeys = [
  "duplicate-module-invoke.command",
  "stale-generation-error.command",
  "replacement-generation-invoke.command",
];
const stale = "native hook relay bridge stale registration";
const commandValues = (result: Awaited<ReturnType<typeof runProof>>) =>
  result.scenario.checks.filter((check) => commandKeys.includes(check.key)).map((check) => check.value);

describe("--build-mode", () => {
  it("dev (the default) builds with the repo's switch for no type declarations, and the cli line says so", async () => {
    privateCache();
    const repo = fixtureRepo({ cli: "dist" });
    const result = await runProof({ repo: repo.root, tests: false, build: true });
    expect(result.verdict).toBe("holds");
    expect(commandValues(result)).toEqual(["0", stale, "0"]);
    expect(result.cli).toMatchObject({ mode: "dev", state: "ready", build: { kind: "dev", cached: false } });
    expect(result.scenario.info.cli).toMatch(
      /^fixtureClaw\.mjs \(built tree [0-9a-f]{12} in \d+\.\d s \(dev build, FIXTURECLAW_RUN_NODE_SKIP_DTS_BUILD=1 FIXTURECLAW_BUILD_ALL_NO_PNPM=1, the repo's own switches: no type declarations\)\)$/,
    );
    const dist = join(buildsDir(), `${treeOf(repo.root)}.dev`, "checkout", "dist");
    expect(readFileSync(join(dist, "build-kind"), "utf8")).toBe("dev\n");
    expect(existsSync(join(dist, "entry.d.ts"))).toBe(false);
    expect(readFileSync(join(dist, "tsdown-runner"), "utf8")).toBe("node\n");
    const markdown = renderMarkdown(result);
    expect(markdown).toContain(
      "hook commands through `fixtureClaw.mjs`: the repo's dev build (no type declarations)",
    );
    expect(markdown).toContain("the repo's full build: the hook commands ran its dev build");
  });

  it("full runs the build as it is; a later dev run reuses that full build rather than building again", async () => {
    privateCache();
    const repo = fixtureRepo({ cli: "dist" });
    const tree = treeOf(repo.root);
    const full = await runProof({ repo: repo.root, tests: false, build: true, buildMode: "full" });
    expect(full.cli).toMatchObject({ mode: "full", build: { kind: "full", cached: false } });
    expect(full.scenario.info.cli).toMatch(/\(built tree [0-9a-f]{12} in \d+\.\d s \(full build\)\)$/);
    expect(existsSync(join(buildsDir(), tree, "checkout", "dist", "entry.d.ts"))).toBe(true);
    expect(renderMarkdown(full)).toContain("hook commands through `fixtureClaw.mjs`: the repo's full build");

    const buildStages = (result: typeof full) =>
      (result.timeline ?? []).filter((entry) => entry.stage.startsWith("build "));
    expect(buildStages(full).length).toBeGreaterThan(0);

    const dev = await runProof({ repo: repo.root, tests: false, build: true });
    expect(dev.cli).toMatchObject({ mode: "full", build: { kind: "full", cached: true, tree } });
    expect(readdirSync(buildsDir())).toEqual([tree]);
    // A cached build ran no step in this run: its timeline has none (the entry's steps are another run's).
    expect(buildStages(dev)).toEqual([]);
  });

  it("dev on a head without the switch runs the full build, and says full", async () => {
    privateCache();
    const repo = fixtureRepo({ cli: "dist", devSwitch: false });
    const result = await runProof({ repo: repo.root, tests: false, build: true, buildMode: "dev" });
    expect(commandValues(result)).toEqual(["0", stale, "0"]);
    expect(result.cli).toMatchObject({ mode: "full", build: { kind: "full" } });
    expect(readdirSync(buildsDir())).toEqual([treeOf(repo.root)]);
  });

  it("source builds nothing: the commands run src/entry.ts through the checkout's tsx, said to be no shipped bundle", async () => {
    const cache = privateCache();
    const repo = fixtureRepo({ cli: "dist" });
    const result = await runProof({ repo: repo.root, tests: false, build: true, buildMode: "source" });
    expect(result.verdict).toBe("holds");
    expect(commandValues(result)).toEqual(["0", stale, "0"]);
    for (const check of result.scenario.checks.filter((c) => commandKeys.includes(c.key)))
      expect(check.ran).toMatch(new RegExp(`^\\S+ ${repo.root}/src/entry\\.ts hooks relay --provider codex`));
    expect(result.cli).toMatchObject({ entry: "src/entry.ts", state: "source", mode: "source" });
    expect(result.cli?.build).toBeUndefined();
    expect(result.scenario.info.cli).toMatch(
      /^src\/entry\.ts \(source through tsx \d+\.\d+\.\d+ \(target\), not the shipped bundle\)$/,
    );
    // Nothing built, in the cache or the work tree; tsx's cache is kept with the tree's loader caches.
    expect(existsSync(join(cache, "builds"))).toBe(false);
    expect(existsSync(join(repo.root, "dist"))).toBe(false);
    const loaders = join(checkoutLoaderCaches(), treeOf(repo.root));
    expect(readdirSync(loaders).sort()).toEqual(["jiti", "node-compile-cache", "tsx"]);
    expect(readdirSync(join(loaders, "tsx")).length).toBeGreaterThan(0);
    const markdown = renderMarkdown(result);
    expect(markdown).toContain(
      "hook commands through `src/entry.ts`: **source through tsx, not the shipped bundle**",
    );
    expect(markdown).toContain(
      "the shipped bundle: the hook commands ran src/entry.ts from source through tsx",
    );
  });

  it("source on a head whose relay uses argv[1] poses as src/entry.ts, so the commands still run it", async () => {
    privateCache();
    const repo = fixtureRepo({ cli: "dist", variant: "argv1-cli" });
    const result = await runProof({ repo: repo.root, tests: false, build: true, buildMode: "source" });
    expect(commandValues(result)).toEqual(["0", stale, "0"]);
  });

  it("source never runs beside a dist/ of another commit, which a head finding its CLI by package root would run: its commands cannot be tested", async () => {
    privateCache();
    const repo = fixtureRepo({ cli: "dist" });
    const marker = join(repo.root, "..", `stale-dist-ran-${Date.now()}`);
    repo.write(
      "dist/entry.mjs",
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "ran");\n`,
    );
    repo.write("dist/.buildstamp", `${JSON.stringify({ head: repo.head })}\n`);
    repo.write("README.md", "a later commit\n");
    repo.commit("a later commit");
    const result = await runProof({ repo: repo.root, tests: false, build: true, buildMode: "source" });
    expect(result.verdict).toBe("cannot-test");
    for (const check of result.scenario.checks.filter((c) => commandKeys.includes(c.key))) {
      expect(check.status).toBe("cannot-test");
      expect(check.value).toBe("cannot-test(no CLI: its build failed)");
      expect(check.detail).toMatch(
        /^--build-mode source: the work tree has a dist\/ of another build \(dist built from [0-9a-f]{12}, not HEAD\) that a head not reading FIXTURECLAW_CLI_PATH would run; run with --build-mode dev or full$/,
      );
    }
    expect(existsSync(marker)).toBe(false);
  });

  it("source on a head with no src/entry.ts cannot test the commands, says why, and never runs a build", async () => {
    const cache = privateCache();
    const repo = fixtureRepo({ cli: "dist" });
    rmSync(join(repo.root, "src", "entry.ts"));
    repo.commit("no TypeScript entry");
    const result = await runProof({ repo: repo.root, tests: false, build: true, buildMode: "source" });
    // Asked for the command path and none could be made: not a holding verdict without it.
    expect(result.verdict).toBe("cannot-test");
    expect(result.scenario.checks.find((c) => c.key === "duplicate-module-invoke")?.status).toBe("pass");
    for (const check of result.scenario.checks.filter((c) => commandKeys.includes(c.key))) {
      expect(check).toMatchObject({
        status: "cannot-test",
        value: "cannot-test(no CLI: its build failed)",
        detail:
          "--build-mode source: this head has no src/entry.ts to run from source; run with --build-mode dev or full",
      });
    }
    expect(result.cli).toMatchObject({ state: "failed", mode: "source" });
    expect(existsSync(join(cache, "builds"))).toBe(false);
    // The commands did not run: the report names no CLI they ran through, and says why they were skipped.
    const markdown = renderMarkdown(result);
    expect(markdown).not.toContain("hook commands through");
    expect(markdown).toContain("this head has no src/entry.ts to run from source");
  });
});
