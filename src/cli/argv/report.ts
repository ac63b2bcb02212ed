import { relayProofError } from "../../errors.ts";
import { readReport } from "../../result/read-result.ts";
import { reportHelp } from "../help.ts";
import { checkOutputFlags, emitReport, outputFlags } from "../output.ts";
import { parseFlags } from "../parse.ts";
import type { CommandIo, CommandOutcome } from "./types.ts";

/** Render a saved result (from --json-out) in any format, e.g. the PR's Markdown proof. */
export async function reportCommand(args: string[], io: CommandIo): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("report", args, {
    ...outputFlags,
    format: { type: "string", default: "markdown" },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: reportHelp, exitCode: 0 };
  checkOutputFlags(values);
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) {
    throw relayProofError(
      "USAGE",
      "report takes exactly one result file",
      "relay-proof report proof.json --format markdown",
    );
  }
  return emitReport(readReport(file), values, io);
}
