import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { mergeResults } from "../../commands/merge-results.ts";
import { relayProofError } from "../../errors.ts";
import { isReportFormat, reporters } from "../../reports/index.ts";
import { mergeHelp } from "../help.ts";
import { parseFlags } from "../parse.ts";
import type { CommandIo, CommandOutcome } from "./types.ts";

export async function mergeCommand(args: string[], io: CommandIo): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("merge", args, {
    format: { type: "string", default: "terminal" },
    "json-out": { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: mergeHelp, exitCode: 0 };
  const format = values.format ?? "terminal";
  if (!isReportFormat(format)) {
    throw relayProofError(
      "USAGE",
      `unknown --format "${format}"`,
      `use one of: ${Object.keys(reporters).join(", ")}`,
    );
  }
  const result = await mergeResults(positionals);
  if (values["json-out"]) writeFileSync(resolve(values["json-out"]), reporters.json(result));
  return { stdout: reporters[format](result, { color: io.color }), exitCode: result.exitCode };
}
