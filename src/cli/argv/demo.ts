import { runDemo } from "../../engine/demo.ts";
import { renderDemo } from "../../reports/demo.ts";
import { demoHelp } from "../help.ts";
import { noPositionals, parseFlags, positiveSeconds } from "../parse.ts";
import type { CommandIo, CommandOutcome } from "./types.ts";

/** `relay-proof demo`: compare and bisect on the bundled fixture history; no checkout needed. */
export async function demoCommand(args: string[], io: CommandIo): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("demo", args, {
    timeout: { type: "string" },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: demoHelp, exitCode: 0 };
  noPositionals("demo", positionals);
  const result = await runDemo({
    timeoutMs: positiveSeconds("--timeout", values.timeout, "demo"),
    onProgress: values.quiet ? undefined : (message) => io.stderr(`relay-proof: ${message}\n`),
    signal: io.signal,
  });
  return { stdout: renderDemo(result, { color: io.color }), exitCode: result.exitCode };
}
