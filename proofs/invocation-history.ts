// Proof for the invocation history bounds (a review of OpenClaw PR 71008): the history the relay
// keeps of invocations has a bound, so a long session cannot grow it without end, and a relay's
// entries go when the relay unregisters.
import { defineProof, type ScenarioContext } from "../src/scenario/definition.ts";
import { capture } from "./relay/capture.ts";
import { unsupported } from "./relay/outcomes.ts";
import { freshId, preToolUse } from "./relay/payloads.ts";
import { invokeParams, openRelay } from "./relay/relay.ts";

/** More invocations than any bound a head is known to keep (200). */
const invocations = 260;

async function scenario(ctx: ScenarioContext): Promise<void> {
  const relay = await openRelay(ctx);
  const list = relay.a.fn("getNativeHookRelayInvocationsForTests");
  const entries = () => {
    const value = list?.({});
    return (Array.isArray(value) ? value : []) as { relayId?: unknown; toolUseId?: unknown }[];
  };
  const requested = freshId("history");
  const registered = await relay.register(relay.a, { relayId: requested, runId: `${requested}-run` });
  if ("error" in registered) ctx.cannotTest(`registerNativeHookRelay threw: ${registered.error}`);
  // The id the head really gave (V0 heads ignore the requested one).
  const relayId = registered.relayId;
  const why = list
    ? undefined
    : "no testing.getNativeHookRelayInvocationsForTests: the history cannot be read";
  const ids = Array.from({ length: invocations }, (_, i) => `${relayId}-call-${i}`);
  if (!why) {
    for (const toolUseId of ids) {
      const answer = await capture(() =>
        relay.a.invoke(
          invokeParams(
            relayId,
            registered.generation,
            "pre_tool_use",
            preToolUse({ tool_use_id: toolUseId }),
          ),
        ),
      );
      if (!answer.ok) ctx.cannotTest(`invoking the relay failed: ${answer.error}`);
    }
  }
  await ctx.check(
    { key: "history-bounded", expected: `< ${invocations} entries, newest kept`, required: true },
    async () => {
      if (why) return unsupported(why);
      const all = entries();
      const kept = new Set(all.map((e) => e.toolUseId));
      const newest = kept.has(ids.at(-1));
      if (all.length >= invocations)
        return {
          status: "fail",
          value: `unbounded (${all.length} entries after ${invocations} invocations)`,
        };
      if (!newest) return { status: "fail", value: `bounded at ${all.length}, but the newest entry is gone` };
      return {
        status: "pass",
        value: `bounded at ${all.length} entries, oldest dropped first`,
        detail: `${invocations} invocations`,
      };
    },
  );
  await ctx.check({ key: "history-cleared-on-unregister", expected: "0 left", required: true }, async () => {
    if (why) return unsupported(why);
    await capture(() => registered.handle.unregister?.());
    const left = entries().filter((e) => e.relayId === relayId).length;
    return { status: left === 0 ? "pass" : "fail", value: `${left} left` };
  });
}

export default defineProof({
  id: "invocation-history",
  title: "Invocation history: bounded, and a relay's entries go when it unregisters",
  behavior:
    "A review of OpenClaw PR 71008: the native hook relay keeps a history of invocations (for approvals and " +
    "diagnostics). Unbounded, a long session grows it without end, and entries of relays that are gone keep " +
    "their payloads alive. The history must keep a bounded number of entries, the oldest going first, and drop " +
    "a relay's entries when it unregisters.",
  module: { candidates: ["src/agents/harness/native-hook-relay.ts"] },
  claims: [
    {
      id: "bounded",
      text: "The history keeps a bounded number of entries, the newest kept.",
      evidence: ["history-bounded"],
    },
    {
      id: "cleaned",
      text: "A relay's history entries go when it unregisters.",
      evidence: ["history-cleared-on-unregister"],
    },
  ],
  requiredChecks: ["history-bounded", "history-cleared-on-unregister"],
  summaryInfo: [],
  varies: [],
  tests: ["src/agents/harness/native-hook-relay.test.ts"],
  scenario,
});
