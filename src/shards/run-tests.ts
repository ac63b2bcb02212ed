import { availableParallelism } from "node:os";
import { throwIfInterrupted } from "../process/interrupted.ts";
import { makeTargetSandbox } from "../process/target-sandbox.ts";
import type { BlobMerge } from "./merge-blobs.ts";
import { planShards, type ShardPlan } from "./plan.ts";
import { relatedTests } from "./related-tests.ts";
import { type Routing, routeTests } from "./route.ts";
import { describeConfig, runShard, type ShardCoverage, type ShardResult } from "./run-shard.ts";
import { selectTests, type TestSelection } from "./select-tests.ts";
import { resolveVitestBin } from "./vitest-bin.ts";

export type TestsStatus = "pass" | "fail" | "cannot-test";

/** The focused-tests stage of a proof, as data: the same shape whether it passed, failed or crashed. */
export interface TestsResult {
  status: TestsStatus;
  reasons: string[];
  vitest: { version: string; bin: string } | undefined;
  selection: TestSelection;
  routing: Routing | undefined;
  /** Shards run here (all, or the one named by --shard-index). */
  shards: ShardResult[];
  /** How many shards the plan has in all (across machines with --shard-index). */
  shardCount: number;
  /** This machine's shard with --shard-index, else undefined. */
  shardIndex: number | undefined;
  passed: number;
  failed: number;
  skipped: number;
  total: number;
  durationMs: number;
  /** After `merge --blobs`: Vitest's own merge of the machines' blob reports, which must agree. */
  vitestMerge?: BlobMerge;
}

export interface RunTestsOptions {
  root: string;
  nodePath: string;
  proofTests: readonly string[];
  tests?: readonly string[];
  changed?: string;
  /** Shards to split into (default: the cores available, at most the file count). */
  shards?: number;
  /** `--shard-index i/n`: plan n shards and run only shard i. */
  shardIndex?: { index: number; count: number };
  timeoutMs: number;
  /** Also write Vitest blob reports here (for `relay-proof merge --blobs`). */
  blobDir?: string;
  onProgress?: (message: string) => void;
  /** Shard starts and ends as data, for a live view on a terminal. */
  onShard?: (event: ShardEvent) => void;
  signal?: AbortSignal;
  /** `--pass-env`: variables the caller chose to give the target beyond the allowlist. */
  passEnv?: readonly string[];
  /** `--coverage`: measure these files with the checkout's own coverage provider. */
  coverage?: ShardCoverage;
  /**
   * Another process keeps a core busy until this settles (the scenario child, beside which the tests
   * start): one shard fewer starts before it, so the scenario's own timings (a head's 5 s gateway
   * call, a bridge's registration wait) meet no more load than the cores carry.
   */
  coreBusyUntil?: Promise<unknown>;
}

export type ShardEvent =
  | { type: "start"; index: number; count: number; files: number }
  | {
      type: "end";
      index: number;
      count: number;
      passed: number;
      failed: number;
      total: number;
      durationMs: number;
    };

async function runAll<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
  signal: AbortSignal | undefined,
  coreBusyUntil?: Promise<unknown>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async (_, worker) => {
    // The last worker waits while another process keeps a core busy (never the only one).
    if (coreBusyUntil && worker > 0 && worker === limit - 1) await coreBusyUntil.catch(() => {});
    // Once interrupted, no new shard starts; the running ones stop on the same signal.
    while (next < items.length && !signal?.aborted) {
      const position = next++;
      results[position] = await run(items[position] as T);
    }
  });
  await Promise.all(workers);
  throwIfInterrupted(signal, "the next shard");
  return results;
}

export function summarizeTests(result: Pick<TestsResult, "passed" | "total" | "shardCount">): string {
  return `${result.passed}/${result.total} shards=${result.shardCount}`;
}

/**
 * Select, route, shard and run the focused tests with the checkout's own Vitest, in a private HOME and
 * TMPDIR with an allowlisted environment (the tests are target code).
 */
export async function runTests(options: RunTestsOptions): Promise<TestsResult> {
  const sandbox = makeTargetSandbox("relay-proof-tests-", options.passEnv);
  try {
    return await runTestsIn(options, sandbox.env());
  } finally {
    sandbox.remove();
  }
}

async function runTestsIn(options: RunTestsOptions, env: NodeJS.ProcessEnv): Promise<TestsResult> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const base: TestsResult = {
    status: "cannot-test",
    reasons: [],
    vitest: undefined,
    selection: { source: "proof", files: [], missing: [] },
    routing: undefined,
    shards: [],
    shardCount: 0,
    shardIndex: options.shardIndex?.index,
    passed: 0,
    failed: 0,
    skipped: 0,
    total: 0,
    durationMs: 0,
  };
  const finish = (result: TestsResult): TestsResult => ({
    ...result,
    durationMs: Math.round(performance.now() - started),
  });
  const vitest = resolveVitestBin(options.root);
  const context = vitest
    ? { root: options.root, nodePath: options.nodePath, vitestBin: vitest.path, env, signal: options.signal }
    : undefined;
  const selection = await selectTests({
    root: options.root,
    proofTests: options.proofTests,
    tests: options.tests,
    changed: options.changed,
    related: context ? (base) => relatedTests(context, base, options.timeoutMs) : undefined,
  });
  base.selection = selection;
  for (const file of selection.missing) progress(`test file missing at this commit: ${file}`);
  if (!vitest || !context) {
    return finish({ ...base, reasons: ["the checkout has no Vitest (install its dependencies first)"] });
  }
  base.vitest = { version: vitest.version, bin: vitest.path };
  if (selection.files.length === 0) {
    return finish({
      ...base,
      reasons: [
        `no test files to run (${selection.source}; missing: ${selection.missing.join(", ") || "none"})`,
      ],
    });
  }
  throwIfInterrupted(options.signal, "the routing of the focused tests");
  progress(`routing ${selection.files.length} test files with Vitest ${vitest.version}`);
  const routing = await routeTests(context, selection.files, options.timeoutMs);
  base.routing = routing;
  for (const route of routing.routes) {
    progress(`  ${describeConfig(route)} <- ${route.files.join(", ")}`);
  }
  for (const duplicate of routing.duplicates) {
    progress(
      `  ${duplicate.file} matches projects ${duplicate.projects.join(", ")}: runs once, under ${duplicate.chosen}`,
    );
  }
  if (routing.errors.length > 0) return finish({ ...base, reasons: routing.errors });

  const count = options.shardIndex?.count ?? options.shards ?? availableParallelism();
  const plans = planShards(routing.routes, count);
  base.shardCount = plans.length;
  let selected: ShardPlan[] = plans;
  if (options.shardIndex) {
    const mine = plans.find((plan) => plan.index === options.shardIndex?.index);
    if (!mine) {
      return finish({
        ...base,
        reasons: [
          `shard ${options.shardIndex.index}/${options.shardIndex.count} has no files: the plan has ${plans.length} shards`,
        ],
      });
    }
    selected = [mine];
  }
  throwIfInterrupted(options.signal, "the shards");
  const limit = Math.max(1, Math.min(availableParallelism(), selected.length));
  const shards = await runAll(
    selected,
    limit,
    async (plan) => {
      const files = plan.invocations.reduce((n, i) => n + i.files.length, 0);
      progress(
        `shard ${plan.index}/${plans.length}: ${files} files, ${plan.invocations.map(describeConfig).join("; ")}`,
      );
      options.onShard?.({ type: "start", index: plan.index, count: plans.length, files });
      const shard = await runShard(context, plan, {
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        blobDir: options.blobDir,
        coverage: options.coverage,
      });
      options.onShard?.({
        type: "end",
        index: plan.index,
        count: plans.length,
        passed: shard.passed,
        failed: shard.failed,
        total: shard.total,
        durationMs: shard.durationMs,
      });
      progress(
        `shard ${plan.index}/${plans.length}: ${shard.passed}/${shard.total} passed, ${shard.failed} failed (${(shard.durationMs / 1000).toFixed(1)} s)`,
      );
      return shard;
    },
    options.signal,
    options.coreBusyUntil,
  );
  const sum = (key: "passed" | "failed" | "skipped" | "total") => shards.reduce((n, s) => n + s[key], 0);
  const reasons: string[] = [];
  for (const shard of shards) {
    reasons.push(...shard.problems);
    for (const invocation of shard.invocations) {
      for (const failure of invocation.failures)
        reasons.push(`${failure.file} > ${failure.name}: ${failure.message.split("\n")[0]}`);
    }
  }
  if (routing.unmatched.length > 0)
    reasons.push(`no Vitest project matches: ${routing.unmatched.join(", ")}`);
  const total = sum("total");
  if (total === 0 && !reasons.some((reason) => reason.includes("zero tests")))
    reasons.push("zero tests executed");
  const status: TestsStatus = reasons.length > 0 ? "fail" : "pass";
  return finish({
    ...base,
    status,
    reasons: status === "pass" ? [`${sum("passed")} tests passed across ${shards.length} shards`] : reasons,
    shards,
    passed: sum("passed"),
    failed: sum("failed"),
    skipped: sum("skipped"),
    total,
  });
}
