// Invocation history: an invocation through B is in the history A reads.
import { freshId, preToolUse } from "../payloads.ts";
import type { RelayInstance } from "../relay.ts";
import { absent, cannotDrive, no, type Piece, unreachable, yes } from "./piece.ts";

/** Whether `instance`'s own view of the history holds the invocation, through either helper. */
export function historyHas(instance: RelayInstance, relayId: string, toolUseId: string): boolean | undefined {
  const has = instance.fn("hasNativeHookRelayInvocation");
  if (has) return has({ relayId, event: "pre_tool_use", toolUseId }) === true;
  const list = instance.fn("getNativeHookRelayInvocationsForTests");
  if (!list) return undefined;
  const entries = list({}) as { relayId?: unknown; toolUseId?: unknown }[] | undefined;
  return Array.isArray(entries) && entries.some((e) => e.relayId === relayId && e.toolUseId === toolUseId);
}

export const invocationHistory: Piece = {
  key: "invocation-history",
  async observe(kit, registered) {
    const { a, b } = kit.relay;
    const toolUseId = freshId("history-call");
    const answer = await kit.invoke(b, registered, "pre_tool_use", preToolUse({ tool_use_id: toolUseId }));
    const blocked = unreachable(answer);
    if (blocked) return blocked;
    const seenByA = historyHas(a, registered.relayId, toolUseId);
    const seenByB = historyHas(b, registered.relayId, toolUseId);
    if (seenByA === undefined || seenByB === undefined)
      return cannotDrive("no hasNativeHookRelayInvocation or testing.getNativeHookRelayInvocationsForTests");
    if (seenByA) return yes("A's history holds the invocation made through B");
    if (seenByB) return no("the invocation made through B is in B's history only, not in A's");
    return absent("neither instance keeps a history of invocations");
  },
};
