import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTests, type ShardEvent } from "../../src/shards/run-tests.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

const proofTests = [
  "src/agents/harness/native-hook-relay.test.ts",
  "src/cli/native-hook-relay-cli.test.ts",
  "src/gateway/server-methods/native-hook-relay.test.ts",
  "extensions/codex/src/app-server/native-hook-relay.test.ts",
  "extensions/codex/src/app-server/approval-bridge.test.ts",
];

function options(root: string, extra: Partial<Parameters<typeof runTests>[0]> = {}) {
  return { root, nodePath: process.execPath, proofTests, timeoutMs: 60_000, ...extra };
}

describe("runTests", () => {
  it("runs each focused file once and totals the shards", async () => {
    const repo = fixtureRepo();
    const progress: string[] = [];
    const result = await runTests(options(repo.root, { shards: 3, onProgress: (m) => progress.push(m) }));
    expect(result).toMatchObject({ status: "pass", passed: 10, failed: 0, total: 10, shardCount: 3 });
    expect(result.reasons).toEqual(["10 tests passed across 3 shards"]);
    expect(result.shards.map((shard) => shard.total).reduce((a, b) => a + b)).toBe(10);
    // The gateway file matches two projects; it ran once (2 tests, not 4).
    const gateway = result.shards.flatMap((s) => s.invocations).find((i) => i.project === "gateway-client");
    expect(gateway?.total).toBe(2);
    expect(progress).toContain(
      "  src/gateway/server-methods/native-hook-relay.test.ts matches projects gateway-client, gateway-methods: runs once, under gateway-client",
    );
  });

  // With one core the shards run one after another anyway.
  it.skipIf(availableParallelism() < 2)(
    "starts one shard fewer while another process keeps a core busy, and the rest once it is done",
    async () => {
      const repo = fixtureRepo();
      const events: { type: string; index: number; at: number }[] = [];
      let scenarioDone: () => void = () => {};
      const coreBusyUntil = new Promise<void>((resolve) => {
        scenarioDone = resolve;
      });
      // The busy core frees 1.5 s after the first shard started: the second must not start before.
      let doneAt = Number.POSITIVE_INFINITY;
      const onShard = (event: ShardEvent) => {
        events.push({ type: event.type, index: event.index, at: Date.now() });
        if (event.type === "start" && events.filter((e) => e.type === "start").length === 1)
          setTimeout(() => {
            doneAt = Date.now();
            scenarioDone();
          }, 1500);
      };
      const result = await runTests(options(repo.root, { shards: 2, coreBusyUntil, onShard }));
      expect(result).toMatchObject({ status: "pass", total: 10, shardCount: 2 });
      const starts = events.filter((event) => event.type === "start");
      expect(starts).toHaveLength(2);
      expect(starts[1]?.at ?? 0).toBeGreaterThanOrEqual(doneAt);
    },
  );

  it("fails with the test's name and message when a test fails", async () => {
    const repo = fixtureRepo();
    const result = await runTests(
      options(repo.root, { tests: ["src/agents/harness/failing.test.ts", proofTests[1] as string] }),
    );
    expect(result).toMatchObject({ status: "fail", passed: 2, failed: 1, total: 3 });
    expect(result.reasons).toEqual([
      "src/agents/harness/failing.test.ts > fails on purpose (relay-proof fixture): AssertionError: expected 'native hook relay not found' to be '0' // Object.is equality",
    ]);
  });

  it("fails when a shard runs zero tests, never passes", async () => {
    const repo = fixtureRepo();
    const result = await runTests(options(repo.root, { tests: ["src/agents/harness/empty.test.ts"] }));
    expect(result.status).toBe("fail");
    expect(result.total).toBe(0);
    expect(result.reasons).toContain("shard 1 ran zero tests");
    expect(result.reasons.some((reason) => reason.includes("No test suite found"))).toBe(true);
  });

  it("fails a shard whose Vitest is killed at the timeout", async () => {
    const repo = fixtureRepo({
      files: {
        "src/agents/harness/hang.test.ts":
          'import { it } from "vitest";\nit("hangs", () => new Promise(() => setInterval(() => {}, 1000)), 600_000);\n',
      },
    });
    const result = await runTests(
      options(repo.root, { tests: ["src/agents/harness/hang.test.ts"], timeoutMs: 8000 }),
    );
    expect(result.status).toBe("fail");
    expect(result.reasons[0]).toMatch(/--project agents: timed out after 8 s; its process group was killed$/);
  });

  it("fails a shard whose test worker crashes", async () => {
    const repo = fixtureRepo({
      files: {
        "src/agents/harness/crash.test.ts":
          'import { it } from "vitest";\nit("crashes", () => { process.kill(process.pid, "SIGKILL"); });\n',
      },
    });
    const result = await runTests(options(repo.root, { tests: ["src/agents/harness/crash.test.ts"] }));
    expect(result.status).toBe("fail");
    expect(result.passed).toBe(0);
  });

  it("with --changed, follows imports through Vitest to the tests a changed source affects", async () => {
    const repo = fixtureRepo();
    const base = repo.head;
    // The core has no test of its own beside it; the tests that import it through the relay do.
    repo.write(
      "src/agents/harness/native-hook-relay-core.ts",
      `${readFileSync(join(repo.root, "src/agents/harness/native-hook-relay-core.ts"), "utf8")}\n// touched\n`,
    );
    repo.commit("touch the relay core");
    const result = await runTests(options(repo.root, { changed: base }));
    expect(result.selection.source).toBe("changed");
    expect([...result.selection.files].sort()).toEqual([
      "extensions/codex/src/app-server/native-hook-relay.test.ts",
      "src/agents/harness/env-probe.test.ts",
      "src/agents/harness/native-hook-relay.test.ts",
      "src/cli/native-hook-relay-cli.test.ts",
      "src/gateway/server-methods/native-hook-relay.test.ts",
    ]);
    expect(result.status).toBe("pass");
  });

  it("reports missing files and is cannot-test when none of the files exist", async () => {
    const repo = fixtureRepo();
    const result = await runTests(options(repo.root, { tests: ["src/gone.test.ts"] }));
    expect(result).toMatchObject({
      status: "cannot-test",
      selection: { missing: ["src/gone.test.ts"], files: [] },
    });
  });

  it("is cannot-test when the checkout has no Vitest", async () => {
    const repo = fixtureRepo({ vitest: false });
    const result = await runTests(options(repo.root));
    expect(result).toMatchObject({
      status: "cannot-test",
      reasons: ["the checkout has no Vitest (install its dependencies first)"],
    });
  });

  it("runs only the named shard with --shard-index, on the same plan every machine computes", async () => {
    const repo = fixtureRepo();
    const first = await runTests(options(repo.root, { shardIndex: { index: 1, count: 2 } }));
    const second = await runTests(options(repo.root, { shardIndex: { index: 2, count: 2 } }));
    expect(first.shards.map((s) => s.index)).toEqual([1]);
    expect(second.shards.map((s) => s.index)).toEqual([2]);
    expect(first.total + second.total).toBe(10);
    expect([first.shardCount, second.shardCount]).toEqual([2, 2]);
  });
});
