import { mergeResults } from "../../engine/merge-results.ts";
import { mergeHelp } from "../help.ts";
import { checkOutputFlags, emitReport, outputFlags } from "../output.ts";
import { parseFlags, passEnvFlag } from "../parse.ts";
import type { CommandIo, CommandOutcome } from "./types.ts";

export async function mergeCommand(args: string[], io: CommandIo): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("merge", args, {
    blobs: { type: "string" },
    repo: { type: "string" },
    node: { type: "string" },
    ...passEnvFlag,
    ...outputFlags,
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: mergeHelp, exitCode: 0 };
  checkOutputFlags(values);
  const result = await mergeResults(positionals, {
    blobs: values.blobs,
    repo: values.repo,
    node: values.node,
    passEnv: values["pass-env"],
    signal: io.signal,
  });
  return emitReport(result, values, io);
}
