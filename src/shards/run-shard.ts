import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { throwIfInterrupted } from "../process/interrupted.ts";
import { shellExitCode } from "../process/spawn-group.ts";
import { makeTempDir } from "../process/temp-dir.ts";
import { parseJsonReport, type ReportTotals } from "./json-report.ts";
import type { ShardInvocation, ShardPlan } from "./plan.ts";
import { runVitest, type VitestContext } from "./vitest-child.ts";

export interface InvocationResult extends ShardInvocation, ReportTotals {
  exitCode: number | undefined;
  timedOut: boolean;
  durationMs: number;
  /** Set when Vitest produced no report (crash, timeout): the invocation counts as failed. */
  crashed: string | undefined;
}

export interface ShardResult {
  index: number;
  invocations: InvocationResult[];
  passed: number;
  failed: number;
  skipped: number;
  total: number;
  durationMs: number;
  /** Why this shard is a failure even without failing tests: a crash, a timeout, zero tests. */
  problems: string[];
}

function describeConfig(invocation: ShardInvocation): string {
  return `${invocation.config ?? "root config"}${invocation.project ? ` --project ${invocation.project}` : ""}`;
}

async function runInvocation(
  context: VitestContext,
  invocation: ShardInvocation,
  options: {
    timeoutMs: number;
    signal?: AbortSignal;
    outputDir: string;
    tag: string;
    blobDir?: string;
    coverage?: ShardCoverage;
  },
): Promise<InvocationResult> {
  const outputFile = join(options.outputDir, `${options.tag}.json`);
  // With --blob-dir, also a Vitest blob report, grouped by config and project: Vitest's
  // --merge-reports merges blobs of one config, and drops tests when configs are mixed.
  const blob = options.blobDir ? blobPath(options.blobDir, invocation, options.tag) : undefined;
  const args = [
    "run",
    ...(invocation.config ? ["--config", invocation.config] : []),
    ...(invocation.project ? ["--project", invocation.project] : []),
    "--reporter=json",
    `--outputFile.json=${outputFile}`,
    ...(blob ? ["--reporter=blob", `--outputFile.blob=${blob}`] : []),
    ...(options.coverage ? coverageArgs(options.coverage, options.tag) : []),
    ...invocation.files,
  ];
  const result = await runVitest(context, args, { timeoutMs: options.timeoutMs, signal: options.signal });
  const empty: ReportTotals = {
    passed: 0,
    failed: 0,
    skipped: 0,
    total: 0,
    fileCount: 0,
    failedFiles: 0,
    failures: [],
  };
  let totals = empty;
  let crashed: string | undefined;
  if (result.timedOut) {
    crashed = `timed out after ${Math.round(options.timeoutMs / 1000)} s; its process group was killed`;
  } else if (!existsSync(outputFile)) {
    const tail = (result.stderr || result.stdout).trim().split("\n").slice(-3).join(" ");
    crashed = `vitest exited with ${String(shellExitCode(result))} and wrote no report: ${tail}`;
  } else {
    try {
      totals = parseJsonReport(readFileSync(outputFile, "utf8"), (file) => relative(context.root, file));
    } catch (error) {
      crashed = `unreadable Vitest report: ${(error as Error).message}`;
    }
  }
  return {
    ...invocation,
    ...totals,
    exitCode: shellExitCode(result),
    timedOut: result.timedOut,
    durationMs: result.durationMs,
    crashed,
  };
}

/** `--coverage`: the target's own v8 provider, limited to these files, Istanbul JSON per invocation. */
export interface ShardCoverage {
  dir: string;
  /** Repo-relative files to measure (the proof's modules and the changed files). */
  include: string[];
}

/** Vitest flags for coverage of `include` only; thresholds off (coverage is evidence, not a gate). */
function coverageArgs(coverage: ShardCoverage, tag: string): string[] {
  return [
    "--coverage.enabled=true",
    "--coverage.provider=v8",
    "--coverage.reporter=json",
    `--coverage.reportsDirectory=${join(coverage.dir, tag)}`,
    "--coverage.reportOnFailure=true",
    "--coverage.clean=true",
    ...coverage.include.map((file) => `--coverage.include=${file}`),
    // A repo's config may exclude the very files a proof changes (DaisyClaw's excludes src/agents/**):
    // this pattern replaces its exclude list and matches nothing.
    "--coverage.exclude=**/relay-proof-excludes-nothing/**",
    ...["lines", "functions", "branches", "statements"].map((key) => `--coverage.thresholds.${key}=0`),
  ];
}

/** Folder name of a config+project group of blob reports. */
export function blobGroup(invocation: Pick<ShardInvocation, "config" | "project">): string {
  const config = (invocation.config ?? "root-config").replace(/[^A-Za-z0-9._-]+/g, "_");
  return invocation.project ? `${config}--${invocation.project.replace(/[^A-Za-z0-9._-]+/g, "_")}` : config;
}

function blobPath(blobDir: string, invocation: ShardInvocation, tag: string): string {
  const dir = join(blobDir, blobGroup(invocation));
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "group.json"),
    `${JSON.stringify({ config: invocation.config, project: invocation.project })}\n`,
  );
  return join(dir, `${tag}.blob.json`);
}

/** Run one shard's invocations in order with the checkout's Vitest and sum them up. */
export async function runShard(
  context: VitestContext,
  shard: ShardPlan,
  options: { timeoutMs: number; signal?: AbortSignal; blobDir?: string; coverage?: ShardCoverage },
): Promise<ShardResult> {
  const started = performance.now();
  const dir = makeTempDir("relay-proof-shard-");
  try {
    const invocations: InvocationResult[] = [];
    for (const [position, invocation] of shard.invocations.entries()) {
      throwIfInterrupted(options.signal, `shard ${shard.index}'s next Vitest`);
      invocations.push(
        await runInvocation(context, invocation, {
          ...options,
          outputDir: dir.path,
          tag: `shard-${shard.index}-${position}`,
        }),
      );
    }
    const sum = (key: "passed" | "failed" | "skipped" | "total") =>
      invocations.reduce((n, i) => n + i[key], 0);
    const problems: string[] = [];
    for (const invocation of invocations) {
      if (invocation.crashed) problems.push(`${describeConfig(invocation)}: ${invocation.crashed}`);
      else if (invocation.exitCode !== 0 && invocation.failed === 0 && invocation.failedFiles === 0) {
        problems.push(`${describeConfig(invocation)}: vitest exited with ${String(invocation.exitCode)}`);
      }
    }
    if (sum("total") === 0) problems.push(`shard ${shard.index} ran zero tests`);
    return {
      index: shard.index,
      invocations,
      passed: sum("passed"),
      failed: sum("failed"),
      skipped: sum("skipped"),
      total: sum("total"),
      durationMs: Math.round(performance.now() - started),
      problems,
    };
  } finally {
    dir.remove();
  }
}

export { describeConfig };
