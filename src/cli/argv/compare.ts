import { type CompareOptions, compareRefs } from "../../engine/compare.ts";
import { relayProofError } from "../../errors.ts";
import { provenFlags } from "../../receipt/flags.ts";
import { compareHelp } from "../help.ts";
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

export async function compareCommand(args: string[], io: CommandIo): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("compare", args, {
    repo: { type: "string" },
    base: { type: "string" },
    head: { type: "string" },
    proof: { type: "string", multiple: true },
    module: { type: "string" },
    node: { type: "string" },
    ...passEnvFlag,
    ...hookCliFlags,
    install: { type: "boolean", default: true },
    "trust-install-hooks": { type: "boolean", default: false },
    tests: { type: "boolean", default: true },
    coverage: { type: "boolean", default: true },
    timeout: { type: "string" },
    jobs: { type: "string" },
    sequential: { type: "boolean", default: false },
    ...outputFlags,
    ...receiptFlags,
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: compareHelp, exitCode: 0 };
  noPositionals("compare", positionals);
  if (!values.base)
    throw relayProofError(
      "USAGE",
      "compare needs --base REF",
      "e.g. relay-proof compare --base origin/main --head HEAD",
    );
  checkOutputFlags(values);
  const receipt = planReceipt(values);
  const progress = values.quiet ? undefined : (message: string) => io.stderr(`relay-proof: ${message}\n`);
  const options: CompareOptions = {
    repo: values.repo ?? process.cwd(),
    base: values.base,
    head: values.head ?? "HEAD",
    proof: values.proof,
    module: values.module,
    node: values.node,
    passEnv: values["pass-env"],
    ...hookCliOptions(values, "compare"),
    commandTimeoutMs: positiveSeconds("--command-timeout", values["command-timeout"], "compare"),
    install: values.install,
    trustInstallHooks: values["trust-install-hooks"],
    tests: values.tests ? undefined : (false as const),
    coverage: values.coverage,
    timeoutMs: positiveSeconds("--timeout", values.timeout, "compare"),
    jobs: values.sequential ? 1 : jobsFlag(values.jobs, "compare"),
    command: ["relay-proof", "compare", ...args],
    onProgress: progress,
    signal: io.signal,
  };
  const result = await compareRefs(options);
  const outcome = emitReport(result, values, io, verifyCommands(receipt));
  await writeReceipt(result, receipt, values, provenFlags(options), options.repo);
  return outcome;
}
