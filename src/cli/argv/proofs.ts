import { listProofs, loadDefinition } from "../../scenario/load-definition.ts";
import { proofsHelp } from "../help.ts";
import { parseFlags } from "../parse.ts";
import type { CommandOutcome } from "./types.ts";

export async function proofsCommand(args: string[]): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("proofs", args, {
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: proofsHelp, exitCode: 0 };
  // With files: load and check each one (a bad file is a usage error naming the fix).
  const specs = positionals.length > 0 ? positionals : listProofs();
  const lines: string[] = [];
  for (const spec of specs) {
    const { definition, file } = await loadDefinition(spec);
    lines.push(
      `${definition.id}  ${definition.title}`,
      ...(file ? [`  file:   ${file}`] : []),
      `  module: ${definition.module.candidates.join(", ")}`,
      `  tests:  ${definition.tests.length} focused files`,
    );
  }
  return { stdout: `${lines.join("\n")}\n`, exitCode: 0 };
}
