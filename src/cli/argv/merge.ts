import { mergeResults } from "../../engine/merge-results.ts";
import { flagsOfResult } from "../../receipt/flags.ts";
import { mergeHelp } from "../help.ts";
import { checkOutputFlags, emitReport, outputFlags } from "../output.ts";
import { parseFlags, passEnvFlag } from "../parse.ts";
import { planReceipt, receiptFlags, verifyCommands, writeReceipt } from "../receipt-output.ts";
import type { CommandIo, CommandOutcome } from "./types.ts";

export async function mergeCommand(args: string[], io: CommandIo): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("merge", args, {
    blobs: { type: "string" },
    repo: { type: "string" },
    node: { type: "string" },
    ...passEnvFlag,
    ...outputFlags,
    ...receiptFlags,
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: mergeHelp, exitCode: 0 };
  checkOutputFlags(values);
  const receipt = planReceipt(values);
  const result = await mergeResults(positionals, {
    blobs: values.blobs,
    repo: values.repo,
    node: values.node,
    passEnv: values["pass-env"],
    signal: io.signal,
  });
  const outcome = emitReport(result, values, io, verifyCommands(receipt));
  await writeReceipt(result, receipt, values, flagsOfResult(result), values.repo ?? process.cwd());
  return outcome;
}
