import { bisectProof } from "../../engine/bisect/bisect.ts";
import type { BisectOptions, BisectStrategy } from "../../engine/bisect/options.ts";
import { runProof } from "../../engine/run-proof.ts";
import { isRelayProofError, relayProofError, usageCodes } from "../../errors.ts";
import { provenFlags } from "../../receipt/flags.ts";
import { bisectHelp } from "../help.ts";
import { checkOutputFlags, emitReport, outputFlags } from "../output.ts";
import {
  hookCliFlags,
  hookCliOptions,
  noPositionals,
  parseFlags,
  passEnvFlag,
  positiveSeconds,
} from "../parse.ts";
import { planReceipt, receiptFlags, verifyCommands, writeReceipt } from "../receipt-output.ts";
import { jobsFlag } from "./jobs.ts";
import type { CommandIo, CommandOutcome } from "./types.ts";

export async function bisectCommand(args: string[], io: CommandIo): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("bisect", args, {
    repo: { type: "string" },
    good: { type: "string" },
    bad: { type: "string" },
    proof: { type: "string", multiple: true },
    module: { type: "string" },
    node: { type: "string" },
    ...passEnvFlag,
    ...hookCliFlags,
    timeout: { type: "string" },
    strategy: { type: "string", default: "kary" },
    jobs: { type: "string" },
    // `--no-shortcut` (parseArgs' negation of this flag).
    shortcut: { type: "boolean", default: true },
    ...outputFlags,
    ...receiptFlags,
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: bisectHelp, exitCode: 0 };
  noPositionals("bisect", positionals);
  if (!values.good || !values.bad) {
    throw relayProofError(
      "USAGE",
      "bisect needs --good REF and --bad REF",
      "e.g. relay-proof bisect --good v1.2 --bad main",
    );
  }
  checkOutputFlags(values);
  if (values.strategy !== "kary" && values.strategy !== "binary") {
    throw relayProofError(
      "USAGE",
      `unknown --strategy "${values.strategy}"`,
      "use kary (N commits per round on N workers) or binary (git bisect run)",
    );
  }
  const receipt = planReceipt(values);
  const options: BisectOptions = {
    repo: values.repo ?? process.cwd(),
    good: values.good,
    bad: values.bad,
    proof: oneProof(values.proof),
    module: values.module,
    node: values.node,
    passEnv: values["pass-env"],
    ...hookCliOptions(values, "bisect"),
    commandTimeoutMs: positiveSeconds("--command-timeout", values["command-timeout"], "bisect"),
    timeoutMs: positiveSeconds("--timeout", values.timeout, "bisect"),
    strategy: values.strategy as BisectStrategy,
    jobs: jobsFlag(values.jobs, "bisect"),
    shortcut: values.shortcut,
    command: ["relay-proof", "bisect", ...args],
    onProgress: values.quiet ? undefined : (message) => io.stderr(`relay-proof: ${message}\n`),
    signal: io.signal,
  };
  const result = await bisectProof(options);
  const outcome = emitReport(result, values, io, verifyCommands(receipt));
  await writeReceipt(result, receipt, values, provenFlags({ ...options, tests: false }), options.repo);
  return outcome;
}

/** bisect follows one proof: `--proof` once at most. */
function oneProof(proofs: string[] | undefined): string | undefined {
  if ((proofs?.length ?? 0) > 1) {
    throw relayProofError(
      "USAGE",
      `bisect follows one proof, got --proof ${proofs?.join(", --proof ")}`,
      "bisect each proof on its own: relay-proof bisect --proof ID ...",
    );
  }
  return proofs?.[0];
}

/**
 * One `git bisect run` step: the scenario only, on the current checkout, mapped to git's protocol
 * (0 good/old, 1 bad/new, 125 skip). `--invert` swaps 0 and 1 for a search for the fixing commit.
 * A usage error exits 128, which makes git bisect stop instead of marking the commit bad.
 */
export async function bisectStepCommand(args: string[], io: CommandIo): Promise<CommandOutcome> {
  const { values } = parseFlags("bisect", args, {
    invert: { type: "boolean", default: false },
    proof: { type: "string" },
    module: { type: "string" },
    node: { type: "string" },
    ...passEnvFlag,
    ...hookCliFlags,
    timeout: { type: "string" },
  });
  try {
    const result = await runProof({
      repo: process.cwd(),
      proof: values.proof,
      module: values.module,
      node: values.node,
      passEnv: values["pass-env"],
      ...hookCliOptions(values, "bisect"),
      commandTimeoutMs: positiveSeconds("--command-timeout", values["command-timeout"], "bisect"),
      timeoutMs: positiveSeconds("--timeout", values.timeout, "bisect"),
      tests: false,
      signal: io.signal,
    });
    io.stderr(
      `relay-proof bisect-step: ${result.target.head} ${result.verdict}${result.verdict === "holds" ? "" : `: ${result.reasons[0] ?? ""}`}\n`,
    );
    const code =
      result.verdict === "cannot-test" ? 125 : (result.verdict === "holds") !== values.invert ? 0 : 1;
    return { stdout: "", exitCode: code };
  } catch (error) {
    if (isRelayProofError(error) && usageCodes.has(error.code)) {
      io.stderr(`relay-proof bisect-step: ${error.message} (${error.hint ?? ""})\n`);
      return { stdout: "", exitCode: 128 };
    }
    io.stderr(`relay-proof bisect-step: ${(error as Error).message}\n`);
    return { stdout: "", exitCode: 125 };
  }
}
