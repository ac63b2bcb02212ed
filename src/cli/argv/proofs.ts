import { listProofs, loadDefinition } from "../../scenario/load-definition.ts";
import { proofsHelp } from "../help.ts";
import { noPositionals, parseFlags } from "../parse.ts";
import type { CommandOutcome } from "./types.ts";

export async function proofsCommand(args: string[]): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("proofs", args, {
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: proofsHelp, exitCode: 0 };
  noPositionals("proofs", positionals);
  const lines: string[] = [];
  for (const id of listProofs()) {
    const { definition } = await loadDefinition(id);
    lines.push(
      `${id}  ${definition.title}`,
      `  module: ${definition.module.candidates.join(", ")}`,
      `  tests:  ${definition.tests.length} focused files`,
    );
  }
  return { stdout: `${lines.join("\n")}\n`, exitCode: 0 };
}
