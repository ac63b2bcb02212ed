import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { resolveNode } from "../checkout/node-toolchain.ts";
import { readPackageJson } from "../checkout/open-target.ts";
import { type ChangeCoverage, mergeCoverage } from "../coverage/change-coverage.ts";
import { relayProofError } from "../errors.ts";
import { makeTargetSandbox } from "../process/target-sandbox.ts";
import { buildProofLines, buildProofSetLines } from "../result/proof-lines.ts";
import { readResult } from "../result/read-result.ts";
import { printable } from "../result/sanitize.ts";
import { exitCodes, type ProofResult } from "../result/types.ts";
import { withTests } from "../result/verdict.ts";
import { fileSha256, loadDefinition } from "../scenario/load-definition.ts";
import { mergeBlobs } from "../shards/merge-blobs.ts";
import type { TestsResult } from "../shards/run-tests.ts";
import { resolveVitestBin } from "../shards/vitest-bin.ts";

function mergeTests(parts: ProofResult[]): TestsResult | undefined {
  const withShards = parts
    .map((part) => part.tests)
    .filter((tests): tests is TestsResult => tests !== undefined);
  if (withShards.length === 0) return undefined;
  const first = withShards[0] as TestsResult;
  const shardCount = Math.max(...withShards.map((tests) => tests.shardCount));
  const shards = withShards.flatMap((tests) => tests.shards).sort((x, y) => x.index - y.index);
  const seen = new Set<number>();
  for (const shard of shards) {
    if (seen.has(shard.index)) {
      throw relayProofError(
        "USAGE",
        `shard ${shard.index} appears in more than one result`,
        "pass each machine's result once",
      );
    }
    seen.add(shard.index);
  }
  const missing = Array.from({ length: shardCount }, (_, i) => i + 1).filter((index) => !seen.has(index));
  const sum = (key: "passed" | "failed" | "skipped" | "total") =>
    shards.reduce((n, shard) => n + shard[key], 0);
  const failing = withShards.filter((tests) => tests.status === "fail").flatMap((tests) => tests.reasons);
  const cannot = withShards
    .filter((tests) => tests.status === "cannot-test")
    .flatMap((tests) => tests.reasons);
  const missingReasons = missing.map((index) => `shard ${index}/${shardCount} has no result`);
  const status =
    failing.length > 0 ? "fail" : cannot.length + missingReasons.length > 0 ? "cannot-test" : "pass";
  return {
    ...first,
    status,
    reasons:
      status === "pass"
        ? [`${sum("passed")} tests passed across ${shards.length} shards`]
        : [...failing, ...cannot, ...missingReasons],
    shards,
    shardCount,
    shardIndex: undefined,
    passed: sum("passed"),
    failed: sum("failed"),
    skipped: sum("skipped"),
    total: sum("total"),
    durationMs: Math.max(...withShards.map((tests) => tests.durationMs)),
  };
}

/**
 * What to load the merged proof from: its id, or a proof file with the content every shard ran (by
 * hash), wherever it sits here: the path a shard recorded, or its repo-relative path under --repo
 * (default: the current directory). Shards of different content are refused.
 */
function proofSource(
  parts: ProofResult[],
  files: readonly string[],
  options: MergeOptions,
): string | undefined {
  const first = parts[0] as ProofResult;
  if (first.proofs) {
    // Several proofs: their lines come from the results; each proof must be the same on every machine.
    const ran = (part: ProofResult) =>
      (part.proofs ?? [])
        .map(
          (own) =>
            `${own.proof.id}${own.proof.fileSha256 ? ` (sha256 ${own.proof.fileSha256.slice(0, 12)})` : ""}`,
        )
        .join(", ");
    for (const [position, part] of parts.entries()) {
      if (ran(part) !== ran(first)) {
        throw relayProofError(
          "USAGE",
          printable(`${files[position]} ran ${ran(part)}, ${files[0]} ran ${ran(first)}`, 400),
          "merge only the shards of one set of proofs: the same proof file content on every machine",
        );
      }
    }
    return undefined;
  }
  const describe = (part: ProofResult) =>
    part.proof.file
      ? `proof file ${part.proof.fileInRepo ?? part.proof.file}${part.proof.fileSha256 ? ` (sha256 ${part.proof.fileSha256.slice(0, 12)})` : ""}`
      : `proof ${part.proof.id}`;
  const hashed = parts.every((part) => part.proof.fileSha256 !== undefined);
  for (const [position, part] of parts.entries()) {
    const same = hashed
      ? part.proof.fileSha256 === first.proof.fileSha256
      : part.proof.file === first.proof.file;
    if (!same) {
      throw relayProofError(
        "USAGE",
        printable(`${files[position]} ran ${describe(part)}, ${files[0]} ran ${describe(first)}`, 400),
        "merge only the shards of one proof: the same proof file content on every machine",
      );
    }
  }
  if (!first.proof.file) return first.proof.id;
  if (!hashed) return first.proof.file;
  const here = resolve(options.repo ?? process.cwd());
  const candidates = [
    ...parts.map((part) => part.proof.file as string),
    ...parts.flatMap((part) => (part.proof.fileInRepo ? [join(here, part.proof.fileInRepo)] : [])),
  ];
  const found = candidates.find((file) => existsSync(file) && fileSha256(file) === first.proof.fileSha256);
  if (!found) {
    throw relayProofError(
      "USAGE",
      printable(
        `${describe(first)} is not on this machine (looked in ${[...new Set(candidates)].join(", ")})`,
        400,
      ),
      `run merge in the repo where ${first.proof.fileInRepo ?? "the proof file"} has that content, or pass --repo PATH`,
    );
  }
  return found;
}

/**
 * Merge the results of one proof run on several machines (`--shard-index i/n` each) into one:
 * same proof, same head; the scenario must agree; the shards are summed and any missing shard is
 * reported, so a partial merge never passes.
 */
export interface MergeOptions {
  /** `--blobs DIR`: also merge the machines' Vitest blob reports with Vitest's own --merge-reports. */
  blobs?: string;
  /** The checkout whose Vitest merges the blobs (default: the results' repo root). */
  repo?: string;
  node?: string;
  timeoutMs?: number;
  /** `--pass-env`: variables to give the target's Vitest beyond the allowlist. */
  passEnv?: readonly string[];
  /** Stops Vitest's merge in flight; none starts once it is aborted. */
  signal?: AbortSignal;
}

export async function mergeResults(
  files: readonly string[],
  options: MergeOptions = {},
): Promise<ProofResult> {
  if (files.length === 0)
    throw relayProofError("USAGE", "merge needs at least one result file", "relay-proof merge a.json b.json");
  const parts = files.map((file) => readResult(file));
  const first = parts[0] as ProofResult;
  for (const [position, part] of parts.entries()) {
    if (
      part.proof.id !== first.proof.id ||
      part.target.head !== first.target.head ||
      part.target.dirty !== first.target.dirty
    ) {
      throw relayProofError(
        "USAGE",
        `${files[position]} is ${part.proof.id} at ${part.target.head}${part.target.dirty ? "-dirty" : ""}, ` +
          `${files[0]} is ${first.proof.id} at ${first.target.head}${first.target.dirty ? "-dirty" : ""}`,
        "merge only results of one proof at one head",
      );
    }
  }
  // Several proofs' lines need only the result; one proof's summary needs its definition.
  const source = proofSource(parts, files, options);
  const definition = source === undefined ? undefined : (await loadDefinition(source)).definition;
  const scenarioVerdicts = new Set(parts.map((part) => part.scenario.verdict));
  const scenario =
    scenarioVerdicts.size === 1
      ? {
          verdict: first.scenario.verdict,
          reasons: first.scenario.reasons,
          notTested: first.scenario.notTested,
        }
      : {
          verdict: "cannot-test" as const,
          reasons: [`the scenario disagreed across machines: ${[...scenarioVerdicts].join(" vs ")}`],
          notTested: first.scenario.notTested,
        };
  let tests = mergeTests(parts);
  if (options.blobs && tests) tests = await crossCheckWithVitest(tests, first, options);
  const { verdict, reasons, notTested } = withTests(scenario, tests);
  const coverages = parts.map((part) => part.coverage).filter((c): c is ChangeCoverage => c !== undefined);
  const merged: ProofResult = {
    ...first,
    scenario: { ...first.scenario, ...scenario },
    tests,
    coverage: mergeCoverage(coverages),
    verdict,
    exitCode: exitCodes[verdict],
    reasons,
    notTested,
    command: ["relay-proof", "merge", ...files],
    durationMs: Math.max(...parts.map((part) => part.durationMs)),
  };
  const lineSource = { ...merged, tests: tests?.shardCount ? tests : undefined };
  merged.proofLines = definition
    ? buildProofLines(definition, lineSource)
    : buildProofSetLines(first.proofs ?? [], lineSource);
  return merged;
}

/** Merge the blob reports with Vitest itself; its totals must equal the summed shard results. */
async function crossCheckWithVitest(
  tests: TestsResult,
  first: ProofResult,
  options: MergeOptions,
): Promise<TestsResult> {
  const root = options.repo ?? first.target.root;
  const vitest = resolveVitestBin(root);
  if (!vitest) {
    return {
      ...tests,
      status: "cannot-test",
      reasons: [...tests.reasons, `no Vitest in ${root} to merge the blob reports`],
    };
  }
  const node = await resolveNode({
    engines: readPackageJson(root)?.engines?.node,
    nodeFlag: options.node,
    provision: true,
    signal: options.signal,
  });
  // Merging loads the target's Vitest config: target code, so it runs sandboxed like the shards.
  const sandbox = makeTargetSandbox("relay-proof-merge-", options.passEnv);
  const merged = await mergeBlobs(
    { root, nodePath: node.path, vitestBin: vitest.path, env: sandbox.env(), signal: options.signal },
    options.blobs as string,
    options.timeoutMs ?? 600_000,
  ).finally(() => sandbox.remove());
  const problems = [...merged.errors];
  if (merged.total !== tests.total || merged.passed !== tests.passed) {
    problems.push(
      `vitest --merge-reports counted ${merged.passed}/${merged.total}, the shard results ${tests.passed}/${tests.total}`,
    );
  }
  if (problems.length === 0) return { ...tests, vitestMerge: merged };
  return {
    ...tests,
    vitestMerge: merged,
    status: "fail",
    reasons: [...(tests.status === "pass" ? [] : tests.reasons), ...problems],
  };
}
