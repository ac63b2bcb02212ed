import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildsDir } from "../../src/checkout/cli/build/cache.ts";
import { compareRefs } from "../../src/engine/compare.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { privateCache } from "../helpers/build-cache.ts";
import { fixtureRepo, tempDir } from "../helpers/fixture-repo.ts";

const commandKeys = [
  "duplicate-module-invoke.command",
  "stale-generation-error.command",
  "replacement-generation-invoke.command",
];
const stale = "native hook relay bridge stale registration";

function commandChecks(result: Awaited<ReturnType<typeof runProof>>) {
  return result.scenario.checks.filter((check) => commandKeys.includes(check.key));
}

/** A private relay-proof cache for builds, removed with the test. */

describe("the hook command path", () => {
  it("runs the checkout's own CLI from source and records the command it ran", async () => {
    const repo = fixtureRepo();
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.verdict).toBe("holds");
    expect(commandChecks(result).map((check) => check.value)).toEqual(["0", stale, "0"]);
    for (const check of commandChecks(result)) {
      expect(check.ran).toMatch(
        new RegExp(`^\\S+ ${repo.root}/fixtureClaw\\.mjs hooks relay --provider codex`),
      );
      // How long it ran; the first command, alone in flight, also when it reached the relay.
      expect(check.detail).toMatch(/^ran \d+\.\d s/);
    }
    expect(commandChecks(result)[0]?.detail).toMatch(/^ran \d+\.\d s, first relay request after \d+\.\d s$/);
    expect(result.cli).toMatchObject({ entry: "fixtureClaw.mjs", state: "source" });
    expect(result.scenario.info.cli).toBe("fixtureClaw.mjs (runs from source)");
  });

  it("on an argv[1]-style head, poses as the repo's CLI: no command mentions the scenario child", async () => {
    const repo = fixtureRepo({ variant: "argv1-cli" });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.verdict).toBe("holds");
    expect(commandChecks(result).map((check) => check.value)).toEqual(["0", stale, "0"]);
    for (const check of commandChecks(result)) {
      expect(check.ran).toContain(`${repo.root}/fixtureClaw.mjs hooks relay`);
      expect(check.ran).not.toMatch(/scenario[/\\]child/);
    }
  });

  it("skips the commands with the reason when the CLI needs a build this commit does not have", async () => {
    const repo = fixtureRepo({ cli: "dist" });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.verdict).toBe("holds");
    for (const check of commandChecks(result)) {
      expect(check).toMatchObject({
        status: "skipped",
        value: "skipped",
        detail: "no build of this commit (run with --build)",
      });
    }
    expect(result.notTested.join("\n")).toContain("no build of this commit (run with --build)");
    expect(result.cli).toMatchObject({ state: "none" });
  });

  it("never runs a dist built from another commit, and says which commit it came from", async () => {
    const repo = fixtureRepo({ cli: "dist" });
    const built = repo.head;
    const marker = join(repo.root, "..", `stale-dist-ran-${Date.now()}`);
    repo.write(
      "dist/entry.mjs",
      `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "ran");\n`,
    );
    repo.write("dist/.buildstamp", `${JSON.stringify({ head: built })}\n`);
    repo.write("README.md", "a later commit\n");
    repo.commit("a later commit");
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.verdict).toBe("holds");
    for (const check of commandChecks(result)) {
      expect(check).toMatchObject({
        status: "skipped",
        detail: `dist built from ${built.slice(0, 12)}, not HEAD; run with --build`,
      });
    }
    expect(existsSync(marker)).toBe(false);
  });

  it("uses a dist whose build stamp names this very commit", async () => {
    const repo = fixtureRepo({ cli: "dist" });
    const { execFileSync } = await import("node:child_process");
    execFileSync(process.execPath, ["scripts/tsdown-build.mjs"], { cwd: repo.root, stdio: "ignore" });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.target.dirty).toBe(false);
    expect(result.cli).toMatchObject({
      state: "ready",
      detail: "work tree dist/entry.mjs, build stamp names HEAD",
    });
    expect(commandChecks(result).map((check) => check.value)).toEqual(["0", stale, "0"]);
  });

  it("--build builds the CLI in a private copy, caches it per tree, and reuses it on the next run", async () => {
    privateCache();
    const repo = fixtureRepo({ cli: "dist" });
    const first = await runProof({ repo: repo.root, tests: false, build: true });
    expect(first.verdict).toBe("holds");
    expect(commandChecks(first).map((check) => check.value)).toEqual(["0", stale, "0"]);
    expect(first.cli).toMatchObject({
      entry: "fixtureClaw.mjs",
      state: "ready",
      build: { ok: true, cached: false },
    });
    expect(first.cli?.build?.steps.map((step) => step.command)).toEqual([
      ["node", "scripts/tsdown-build.mjs"],
    ]);
    // The user's work tree and its dist/ are untouched.
    expect(existsSync(join(repo.root, "dist"))).toBe(false);
    expect(first.target.dirty).toBe(false);

    const second = await runProof({ repo: repo.root, tests: false, build: true });
    expect(second.verdict).toBe("holds");
    expect(second.cli?.build).toMatchObject({ ok: true, cached: true, tree: first.cli?.build?.tree });
    // --build is a dev build by default: its own entry, `<tree>.dev`.
    expect(first.cli).toMatchObject({ mode: "dev", build: { kind: "dev" } });
    expect(readdirSync(buildsDir())).toEqual([`${first.cli?.build?.tree}.dev`]);
    // The hook commands' loader caches (jiti's, Node's compile cache) live with the build, outside the
    // per-run TMPDIR.
    const entry = join(buildsDir(), `${first.cli?.build?.tree}.dev`);
    expect(readdirSync(entry).sort()).toEqual(["checkout", "loader-caches", "meta.json"]);
    expect(readdirSync(join(entry, "loader-caches")).sort()).toEqual(["jiti", "node-compile-cache"]);
  });

  it("compare --build builds base and head once each and runs the command paths on both", async () => {
    privateCache();
    const repo = fixtureRepo({ cli: "dist", variant: "v1-module-local" });
    const base = repo.head;
    repo.useVariant("v2-correct");
    repo.commit("the fix");
    const result = await compareRefs({ repo: repo.root, base, head: "HEAD", tests: false, build: true });
    expect(result.verdict).toBe("fix-verified");
    expect(result.head.cli).toMatchObject({ state: "ready", build: { ok: true, cached: false } });
    expect(result.base.cli).toMatchObject({ state: "ready", build: { ok: true } });
    expect(commandChecks(result.head).map((check) => check.value)).toEqual(["0", stale, "0"]);
    expect(readdirSync(buildsDir())).toHaveLength(2);
    expect(result.head.notTested.join("\n")).not.toContain(".command");
  });

  it("keys the build on the tree's content: a dirty change is a new build, never the clean one", async () => {
    privateCache();
    const repo = fixtureRepo({ cli: "dist" });
    const clean = await runProof({ repo: repo.root, tests: false, build: true });
    writeFileSync(join(repo.root, "README.md"), "changed, not committed\n");
    const dirty = await runProof({ repo: repo.root, tests: false, build: true });
    expect(dirty.target.head).toBe(`${repo.head}`);
    expect(dirty.target.dirty).toBe(true);
    expect(dirty.cli?.build?.cached).toBe(false);
    expect(dirty.cli?.build?.tree).not.toBe(clean.cli?.build?.tree);
  });

  it("a build that fails makes the command lines cannot-test with its error, never a holding verdict without them", async () => {
    privateCache();
    const repo = fixtureRepo({ cli: "dist" });
    repo.write(
      "scripts/tsdown-build.mjs",
      'console.error("tsdown: cannot compile src/entry.ts"); process.exit(3);\n',
    );
    repo.commit("a broken build");
    const result = await runProof({ repo: repo.root, tests: false, build: true });
    expect(result.verdict).toBe("cannot-test");
    expect(result.exitCode).toBe(125);
    // The scenario still ran the module's own paths.
    expect(result.scenario.checks.find((c) => c.key === "duplicate-module-invoke")?.status).toBe("pass");
    expect(result.cli).toMatchObject({ state: "failed" });
    for (const check of commandChecks(result)) {
      expect(check.status).toBe("cannot-test");
      expect(check.value).toBe("cannot-test(no CLI: its build failed)");
      expect(check.detail).toBe(
        "--build failed: scripts/tsdown-build.mjs exit 3: tsdown: cannot compile src/entry.ts",
      );
    }
    expect(readdirSync(buildsDir())).toEqual([]);
  });

  it("a build that fails never hides the bug the scenario shows: still fails, its command lines cannot-test", async () => {
    privateCache();
    const repo = fixtureRepo({ cli: "dist", variant: "v1-module-local" });
    repo.write("scripts/tsdown-build.mjs", 'console.error("tsdown: cannot compile"); process.exit(3);\n');
    repo.commit("a broken build");
    const result = await runProof({ repo: repo.root, tests: false, build: true });
    expect(result.verdict).toBe("fails");
    expect(result.exitCode).toBe(1);
    expect(result.scenario.checks.find((c) => c.key === "duplicate-module-invoke")?.status).toBe("fail");
    expect(result.scenario.checks.find((c) => c.key === "duplicate-module-invoke.command")).toMatchObject({
      status: "cannot-test",
      value: "cannot-test(no CLI: its build failed)",
    });
  });

  it("--cli PATH runs the commands through that file and hands it to the head as <NAME>_CLI_PATH", async () => {
    const repo = fixtureRepo({ cli: "dist" });
    const cli = join(tempDir(), "my-cli.mjs");
    writeFileSync(
      cli,
      `import { register } from "${import.meta.resolve("tsx/esm/api")}";\nregister();\nawait import(${JSON.stringify(`${repo.root}/src/cli/native-hook-relay-cli.ts`)});\n`,
    );
    const result = await runProof({ repo: repo.root, tests: false, cli });
    expect(result.cli).toMatchObject({ state: "ready", detail: `--cli ${cli}` });
    expect(commandChecks(result).map((check) => check.value)).toEqual(["0", stale, "0"]);
    for (const check of commandChecks(result)) expect(check.ran).toContain(` ${cli} hooks relay`);
  });

  it("cannot test a command a head sends to a gateway when the head's gateway server does not start", async () => {
    const repo = fixtureRepo({
      variant: "v0-random-ids",
      files: { "src/gateway/server.ts": "export const unrelated = 1;\n" },
    });
    const result = await runProof({ repo: repo.root, tests: false });
    const first = result.scenario.checks.find((check) => check.key === "duplicate-module-invoke.command");
    expect(first).toMatchObject({
      status: "cannot-test",
      value:
        "cannot-test(gateway-server=not-started(src/gateway/server.ts has no startGatewayServer export))",
    });
    expect(first?.detail).toMatch(/^this head sends the command to a gateway \(gateway unreachable: /);
  });

  it("a hook command that times out is cannot-test for its line, never fails, and says where the time went", async () => {
    const repo = fixtureRepo({ variant: "slow-cli" });
    const result = await runProof({ repo: repo.root, tests: false, commandTimeoutMs: 1500 });
    expect(result.verdict).toBe("cannot-test");
    expect(result.exitCode).toBe(125);
    const timedOut = result.scenario.checks.filter((check) => check.status === "cannot-test");
    expect(timedOut.map((check) => check.key)).toEqual([...commandKeys, "legacy-command"]);
    for (const check of timedOut) {
      expect(check.value).toBe("cannot-test(timed out in CLI start-up)");
      expect(check.detail).toMatch(
        /^timed out after 1\.\d s in CLI start-up: no request reached the relay in 1\.\d s$/,
      );
    }
    // Every other path answered: nothing failed, so what could not be tested is the verdict.
    const others = result.scenario.checks.filter((check) => check.status !== "cannot-test");
    expect(others.every((check) => check.status === "pass")).toBe(true);
    expect(result.reasons).toContain(
      `duplicate-module-invoke.command could not be tested: ${timedOut[0]?.detail}`,
    );
    expect(result.proofLines.at(-1)).toBe("[proof] verdict=cannot-test");
  });
});
