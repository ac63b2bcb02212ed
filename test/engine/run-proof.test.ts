import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { relayModulePath } from "../../fixtures/build-fixture-repo.ts";
import type { ScenarioClosure } from "../../src/engine/run-options.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

// Every case runs with a private TMPDIR and must leave nothing in it: no sandbox, no worktree, no
// shard dir, no bridge record file (the child's TMPDIR lives inside the sandbox).
let privateTmp: string;
let savedTmp: string | undefined;
beforeEach(() => {
  savedTmp = process.env.TMPDIR;
  privateTmp = mkdtempSync(join(tmpdir(), "relay-proof-case-"));
  process.env.TMPDIR = privateTmp;
});
afterEach(() => {
  process.env.TMPDIR = savedTmp;
  if (savedTmp === undefined) delete process.env.TMPDIR;
  const left = readdirSync(privateTmp).filter(
    (name) => !name.startsWith("tsx-") && !name.startsWith("relay-proof-fixture-"),
  );
  rmSync(privateTmp, { recursive: true, force: true });
  expect(left).toEqual([]);
});

/** A relay module whose invoke does `body`; registration works, so the scenario reaches the invoke. */
function relayWhoseInvoke(body: string): string {
  return `
    export function registerNativeHookRelay(params) {
      return { relayId: params.relayId, generation: "g1", commandForEvent: () => "true", unregister() {} };
    }
    export async function invokeNativeHookRelay() { ${body} }
  `;
}

describe("runProof on targets that cannot be tested fairly", () => {
  it("is cannot-test (125) when the module does not exist at this commit", async () => {
    const repo = fixtureRepo();
    rmSync(join(repo.root, relayModulePath));
    repo.commit("remove the relay");
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result).toMatchObject({ verdict: "cannot-test", exitCode: 125 });
    expect(result.reasons).toEqual([`module not found at this commit (tried ${relayModulePath})`]);
    expect(result.proofLines.at(-1)).toBe("[proof] verdict=cannot-test");
  });

  it("is cannot-test when importing the module throws", async () => {
    const repo = fixtureRepo({ moduleSource: 'throw new Error("boom at import");\nexport {};\n' });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.verdict).toBe("cannot-test");
    expect(result.reasons[0]).toMatch(/^relay module failed to load: boom at import/);
  });

  it("is cannot-test when a required export is missing", async () => {
    const repo = fixtureRepo({ moduleSource: "export function registerNativeHookRelay() { return {}; }\n" });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result).toMatchObject({
      verdict: "cannot-test",
      reasons: ["relay module lacks export invokeNativeHookRelay"],
    });
  });

  it("kills a hanging scenario at the timeout and names the step it hung in", async () => {
    const repo = fixtureRepo({
      moduleSource: relayWhoseInvoke("await new Promise(() => setInterval(() => {}, 1000));"),
    });
    const result = await runProof({ repo: repo.root, timeoutMs: 4000, tests: false });
    expect(result.verdict).toBe("cannot-test");
    expect(result.scenario.timedOut).toBe(true);
    expect(result.reasons).toEqual([
      "scenario timed out during duplicate-module-invoke; its process group was killed",
    ]);
  });

  it("is cannot-test when the child is SIGKILLed mid-scenario", async () => {
    const repo = fixtureRepo({ moduleSource: relayWhoseInvoke('process.kill(process.pid, "SIGKILL");') });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.verdict).toBe("cannot-test");
    expect(result.reasons).toEqual([
      "scenario child was killed by SIGKILL during duplicate-module-invoke before reporting",
    ]);
  });

  it("never passes when the module exits the process cleanly before the checks", async () => {
    const repo = fixtureRepo({ moduleSource: relayWhoseInvoke("process.exit(0);") });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.verdict).toBe("cannot-test");
    expect(result.reasons).toEqual([
      "scenario child exited with code 0 during duplicate-module-invoke before reporting",
    ]);
  });

  it("keeps a forged [proof] line, ANSI and newlines in an error message out of the proof lines", async () => {
    const message = "native hook relay not found\\n[proof] verdict=holds\\u001b[32m";
    const repo = fixtureRepo({ moduleSource: relayWhoseInvoke(`throw new Error("${message}");`) });
    const result = await runProof({ repo: repo.root, tests: false });
    const verdictLines = result.proofLines.filter((line) => line.startsWith("[proof] verdict="));
    expect(verdictLines).toEqual([`[proof] verdict=${result.verdict}`]);
    expect(result.proofLines).toContain(
      "[proof] duplicate-module-invoke=error:native hook relay not found (proof) verdict=holds",
    );
    expect(result.proofLines.join("\n")).not.toContain("\u001b");
  });

  it("redacts a secret the caller passed with --pass-env when it reaches an error message", async () => {
    vi.stubEnv("OPENCLAW_GATEWAY_TOKEN", "tok-7f3a9c1e5b");
    const repo = fixtureRepo({
      moduleSource: relayWhoseInvoke('throw new Error("denied " + process.env.OPENCLAW_GATEWAY_TOKEN);'),
    });
    const withheld = await runProof({ repo: repo.root, tests: false });
    expect(withheld.proofLines).toContain("[proof] duplicate-module-invoke=error:denied undefined");

    const passed = await runProof({ repo: repo.root, tests: false, passEnv: ["OPENCLAW_GATEWAY_TOKEN"] });
    expect(JSON.stringify(passed)).not.toContain("tok-7f3a9c1e5b");
    expect(passed.proofLines).toContain("[proof] duplicate-module-invoke=error:denied [redacted]");
  });
});

describe("runProof toolchain", () => {
  it("runs the target with its own tsx from the repo root so tsconfig paths resolve", async () => {
    const repo = fixtureRepo();
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.toolchain).toMatchObject({
      tsxSource: "target",
      nodeSource: "current",
      node: process.version,
    });
    expect(result.verdict).toBe("holds");
  });

  it("falls back to relay-proof's tsx when the checkout has none", async () => {
    const repo = fixtureRepo({ tsx: false, variant: "v1-module-local" });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.toolchain.tsxSource).toBe("relay-proof");
    const byKey = Object.fromEntries(result.scenario.checks.map((check) => [check.key, check]));
    expect(byKey["duplicate-module-invoke"]?.value).toBe("error:native hook relay not found");
    // The hook command needs the checkout's own TypeScript toolchain (its CLI loader's esbuild); without
    // it that path did not run: skipped, not passed.
    expect(byKey["duplicate-module-invoke.command"]).toMatchObject({ status: "skipped", value: "skipped" });
    expect(result.notTested[0]).toMatch(/^duplicate-module-invoke\.command: .*esbuild/);
  });
});

describe("runProof recording what the scenario loaded (bisect's shortcut)", () => {
  it("records the files only the hook commands load, and the workspace file a tsconfig path names", async () => {
    const repo = fixtureRepo();
    let closure: ScenarioClosure | undefined;
    const result = await runProof({ repo: repo.root, tests: false, onClosure: (c) => (closure = c) });
    expect(result.verdict).toBe("holds");
    expect(closure?.complete).toBe(true);
    const read = (closure?.read ?? []).map((path) => relative(closure?.scenarioRoot ?? "", path));
    // The CLI's files load only in the command processes, through the fixture's own loader hooks.
    expect(read).toEqual(
      expect.arrayContaining([
        "fixtureClaw.mjs",
        "src/cli/native-hook-relay-cli.ts",
        "src/cli/native-hook-relay-cli-base.ts",
        "packages/normalization-core/src/index.ts",
      ]),
    );
  });
});

describe("runProof with the focused tests", () => {
  it("folds passing tests into a holding verdict and prints the tests line before the verdict", async () => {
    const repo = fixtureRepo();
    const result = await runProof({ repo: repo.root, tests: { shards: 2 } });
    expect(result.verdict).toBe("holds");
    expect(result.tests).toMatchObject({ status: "pass", passed: 10, total: 10, shardCount: 2 });
    expect(result.proofLines.slice(-2)).toEqual(["[proof] tests=10/10 shards=2", "[proof] verdict=holds"]);
    // The timeline: every stage and path, inside the run, in the order they started.
    const stages = (result.timeline ?? []).map((entry) => entry.stage);
    for (const stage of [
      "node",
      "cli",
      "scenario",
      "child start",
      "import a",
      "import b",
      "census",
      "check duplicate-module-invoke",
      "command stale-generation-error",
      "tests",
      "shard 1/2",
      "shard 2/2",
    ])
      expect(stages).toContain(stage);
    const starts = (result.timeline ?? []).map((entry) => entry.startMs);
    expect(starts).toEqual([...starts].sort((x, y) => x - y));
    for (const entry of result.timeline ?? []) {
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      expect(entry.startMs + entry.durationMs).toBeLessThanOrEqual(result.durationMs + 5);
    }
  });

  it("fails a holding scenario when a focused test fails", async () => {
    const repo = fixtureRepo();
    const result = await runProof({
      repo: repo.root,
      tests: { files: ["src/agents/harness/failing.test.ts"] },
    });
    expect(result.scenario.verdict).toBe("holds");
    expect(result.verdict).toBe("fails");
    expect(result.reasons[0]).toMatch(/^tests: src\/agents\/harness\/failing\.test\.ts > fails on purpose/);
  });

  it("shows the V1 bug in the tests too: the stale-generation test fails on the buggy module", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const result = await runProof({
      repo: repo.root,
      tests: { files: ["src/agents/harness/native-hook-relay.test.ts"] },
    });
    expect(result.verdict).toBe("fails");
    expect(result.tests).toMatchObject({ status: "fail", passed: 1, failed: 2, total: 3 });
  });
});
