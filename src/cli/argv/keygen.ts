import { relayProofError } from "../../errors.ts";
import { writeKeyPair } from "../../receipt/keys.ts";
import { keygenHelp } from "../help.ts";
import { parseFlags } from "../parse.ts";
import type { CommandOutcome } from "./types.ts";

/** `relay-proof keygen PREFIX`: an Ed25519 pair for --sign-key and --public-key. */
export async function keygenCommand(args: string[]): Promise<CommandOutcome> {
  const { values, positionals } = parseFlags("keygen", args, {
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) return { stdout: keygenHelp, exitCode: 0 };
  const [prefix, ...extra] = positionals;
  if (!prefix || extra.length > 0) {
    throw relayProofError("USAGE", "keygen takes exactly one PREFIX", "relay-proof keygen ./proof-key");
  }
  const pair = writeKeyPair(prefix);
  return {
    stdout: `${pair.privateKey} (private, mode 600: --sign-key)\n${pair.publicKey} (public: --public-key)\nkeyid ${pair.keyid}\n`,
    exitCode: 0,
  };
}
