// Proof for OpenClaw PR 83987: after B replaces A under one relay id, the replaced handle's
// `unregister()` and `renew()` act on A's own registration only: B stays registered and answering.
import { defineProof, type ScenarioContext } from "../src/scenario/definition.ts";
import { capture, sleep } from "./relay/capture.ts";
import { invokeOutcome, unsupported } from "./relay/outcomes.ts";
import { freshId, preToolUse } from "./relay/payloads.ts";
import { detectShape, invokeParams, openRelay } from "./relay/relay.ts";

const shortTtlMs = 100;

async function scenario(ctx: ScenarioContext): Promise<void> {
  const relay = await openRelay(ctx);
  const relayId = freshId("race");
  const first = await relay.register(relay.a, { relayId, runId: `${relayId}-run-1` });
  if ("error" in first) ctx.cannotTest(`registerNativeHookRelay threw: ${first.error}`);
  const shape = detectShape(first, relayId, relay.clientFile);
  const second =
    shape === "v0" ? undefined : await relay.register(relay.a, { relayId, runId: `${relayId}-run-2` });
  if (second && "error" in second)
    ctx.cannotTest(`replacement registerNativeHookRelay threw: ${second.error}`);
  const why = shape === "v0" ? "api v0: relayId is ignored, nothing can replace a registration" : undefined;
  const replacementAnswers = async () =>
    invokeOutcome(
      await capture(() =>
        relay.a.invoke(invokeParams(relayId, second?.generation, "pre_tool_use", preToolUse())),
      ),
    );
  // A renewal to almost nothing: where A's handle reaches B's registration, B expires.
  await ctx.check({ key: "replaced-renew-keeps-replacement", expected: "0", required: true }, async () => {
    if (why) return unsupported(why);
    const renew = first.handle.renew;
    if (typeof renew !== "function") return unsupported("the handle has no renew()");
    await capture(() => renew(shortTtlMs));
    await sleep(shortTtlMs + 100);
    return replacementAnswers();
  });
  await ctx.check(
    { key: "replaced-unregister-keeps-replacement", expected: "0", required: true },
    async () => {
      if (why) return unsupported(why);
      await capture(() => first.handle.unregister?.());
      return replacementAnswers();
    },
  );
}

export default defineProof({
  id: "unregister-race",
  title: "A replaced run cannot touch its replacement: its unregister() and renew() leave it be",
  behavior:
    "OpenClaw PR 83987: when a replacement run registers the relay id of a run that is still winding down, the " +
    "old run's cleanup (`unregister()`) or keep-alive (`renew()`) must act on its own registration only. A handle " +
    "bound to the relay id instead removed or shortened the replacement, whose hook commands then failed.",
  module: { candidates: ["src/agents/harness/native-hook-relay.ts"] },
  claims: [
    {
      id: "bound-to-own-registration",
      text: "A replaced handle's renew() and unregister() leave the replacement registered and answering.",
      evidence: ["replaced-renew-keeps-replacement", "replaced-unregister-keeps-replacement"],
    },
  ],
  requiredChecks: ["replaced-renew-keeps-replacement", "replaced-unregister-keeps-replacement"],
  summaryInfo: [],
  varies: [],
  tests: ["src/agents/harness/native-hook-relay.test.ts"],
  scenario,
});
