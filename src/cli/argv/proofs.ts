import { relayProofError } from "../../errors.ts";
import { listProofs, loadDefinition } from "../../scenario/load-definition.ts";
import { proofsHelp } from "../help.ts";
import { parseFlags } from "../parse.ts";
import type { CommandOutcome } from "./types.ts";

export async function proofsCommand(args: string[]): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("proofs", args, {
    changed: { type: "string" },
    repo: { type: "string" },
    ids: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: proofsHelp, exitCode: 0 };
  if (values.changed !== undefined) {
    if (positionals.length > 0)
      throw relayProofError(
        "USAGE",
        "--changed lists the proofs in proofs/: it takes no files",
        "relay-proof proofs --changed BASE",
      );
    const { proofsForChange } = await import("../../engine/proofs-for-change.ts");
    const found = await proofsForChange({ repo: values.repo ?? process.cwd(), base: values.changed });
    if (values.ids) return { stdout: found.map((proof) => `${proof.id}\n`).join(""), exitCode: 0 };
    const lines = found.flatMap((proof) => [
      `${proof.id}  ${proof.title}`,
      `  changed: ${proof.touched.join(", ")}`,
    ]);
    if (lines.length === 0) lines.push(`no proof's files changed since ${values.changed}`);
    return { stdout: `${lines.join("\n")}\n`, exitCode: 0 };
  }
  // With files: load and check each one (a bad file is a usage error naming the fix).
  const specs = positionals.length > 0 ? positionals : listProofs();
  const lines: string[] = [];
  for (const spec of specs) {
    const { definition, file } = await loadDefinition(spec);
    if (values.ids) {
      lines.push(definition.id);
      continue;
    }
    lines.push(
      `${definition.id}  ${definition.title}`,
      ...(file ? [`  file:   ${file}`] : []),
      `  module: ${definition.module.candidates.join(", ")}`,
      `  tests:  ${definition.tests.length} focused files`,
    );
  }
  return { stdout: `${lines.join("\n")}\n`, exitCode: 0 };
}
