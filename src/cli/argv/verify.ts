import { verifyReceipt } from "../../engine/verify.ts";
import { relayProofError } from "../../errors.ts";
import { renderVerify } from "../../reports/verify.ts";
import { verifyHelp } from "../help.ts";
import { parseFlags } from "../parse.ts";
import type { CommandIo, CommandOutcome } from "./types.ts";

export async function verifyCommand(args: string[], io: CommandIo): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("verify", args, {
    result: { type: "string" },
    repo: { type: "string" },
    "public-key": { type: "string" },
    proof: { type: "string", multiple: true },
    rerun: { type: "boolean", default: false },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: verifyHelp, exitCode: 0 };
  const [receipt, ...extra] = positionals;
  if (!receipt || extra.length > 0) {
    throw relayProofError(
      "USAGE",
      "verify takes exactly one receipt",
      "relay-proof verify receipt.json [--public-key k.pub] [--rerun]",
    );
  }
  const result = await verifyReceipt({
    receipt,
    result: values.result,
    repo: values.repo,
    publicKey: values["public-key"],
    proofFiles: values.proof,
    rerun: values.rerun,
    onProgress: values.quiet ? undefined : (message) => io.stderr(`relay-proof: ${message}\n`),
    signal: io.signal,
  });
  return { stdout: renderVerify(result), exitCode: result.exitCode };
}
