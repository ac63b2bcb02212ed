// Registrations: a relay registered through A answers when invoked through B.
import { describe } from "../capture.ts";
import { preToolUse } from "../payloads.ts";
import { no, type Piece, yes } from "./piece.ts";

export const registrations: Piece = {
  key: "registrations",
  async observe(kit, registered) {
    const answer = await kit.invoke(kit.relay.b, registered, "pre_tool_use", preToolUse());
    const exitCode = answer.ok ? (answer.value as { exitCode?: unknown } | null)?.exitCode : undefined;
    return exitCode === 0 ? yes("B answered A's relay") : no(`B's invoke of A's relay: ${describe(answer)}`);
  },
};
