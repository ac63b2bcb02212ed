import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { runProof } from "../../commands/run-proof.ts";
import { relayProofError } from "../../errors.ts";
import { isReportFormat, reporters } from "../../reports/index.ts";
import { runHelp } from "../help.ts";
import { noPositionals, parseFlags, positiveSeconds } from "../parse.ts";
import type { CommandIo, CommandOutcome } from "./types.ts";

export async function runCommand(args: string[], io: CommandIo): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("run", args, {
    repo: { type: "string" },
    proof: { type: "string" },
    module: { type: "string" },
    node: { type: "string" },
    provision: { type: "boolean", default: true },
    "require-clean": { type: "boolean", default: false },
    timeout: { type: "string" },
    format: { type: "string", default: "terminal" },
    "json-out": { type: "string" },
    verbose: { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: runHelp, exitCode: 0 };
  noPositionals("run", positionals);
  const format = values.format ?? "terminal";
  if (!isReportFormat(format)) {
    throw relayProofError(
      "USAGE",
      `unknown --format "${format}"`,
      `use one of: ${Object.keys(reporters).join(", ")}`,
    );
  }
  const timeoutMs = positiveSeconds("--timeout", values.timeout, "run");
  const progress = values.quiet ? undefined : (message: string) => io.stderr(`relay-proof: ${message}\n`);
  const result = await runProof({
    repo: values.repo ?? process.cwd(),
    proof: values.proof,
    module: values.module,
    node: values.node,
    provision: values.provision,
    requireClean: values["require-clean"],
    timeoutMs,
    command: ["relay-proof", "run", ...args],
    onProgress: progress,
    onChildMessage: progress
      ? (message) => {
          if (message.type === "check") progress(`${message.key} = ${message.value} (${message.status})`);
        }
      : undefined,
    onChildOutput: values.verbose ? (_stream, chunk) => io.stderr(chunk) : undefined,
    signal: io.signal,
  });
  if (values["json-out"]) writeFileSync(resolve(values["json-out"]), reporters.json(result));
  return { stdout: reporters[format](result, { color: io.color }), exitCode: result.exitCode };
}
