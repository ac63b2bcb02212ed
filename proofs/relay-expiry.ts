// Proof for OpenClaw PR 77533: a relay past its TTL answers `native hook relay expired` (and no
// longer answers as live), and `renew()` before expiry keeps it answering past its first TTL.
import { defineProof, type ScenarioContext } from "../src/scenario/definition.ts";
import { capture, sleep } from "./relay/capture.ts";
import { errorOutcome, invokeOutcome, unsupported } from "./relay/outcomes.ts";
import { freshId, preToolUse } from "./relay/payloads.ts";
import { invokeParams, openRelay, type Registered } from "./relay/relay.ts";

const expiredError = "native hook relay expired";
const notFound = "native hook relay not found";
const ttlMs = 250;

async function scenario(ctx: ScenarioContext): Promise<void> {
  const relay = await openRelay(ctx);
  const register = async (label: string): Promise<Registered> => {
    const relayId = freshId(label);
    const registered = await relay.register(relay.a, { relayId, runId: `${relayId}-run`, ttlMs });
    if ("error" in registered) ctx.cannotTest(`registerNativeHookRelay threw: ${registered.error}`);
    return registered;
  };
  const expiring = await register("expiring");
  const renewed = await register("renewed");
  const invoke = (registered: Registered) =>
    capture(() =>
      relay.a.invoke(invokeParams(registered.relayId, registered.generation, "pre_tool_use", preToolUse())),
    );
  // Both clocks run at once: renew halfway, then look at both after the first TTL has passed.
  await sleep(ttlMs / 2);
  const renew = renewed.handle.renew;
  const renewal = typeof renew === "function" ? await capture(() => renew(10 * ttlMs)) : undefined;
  await sleep(ttlMs / 2 + 150);
  const [afterExpiry, afterRenewal] = await Promise.all([invoke(expiring), invoke(renewed)]);
  await ctx.check({ key: "expired-relay-error", expected: expiredError, required: true }, async () => {
    // The split layout expires actively: a timer in the registering module removed it at its TTL.
    if (!afterExpiry.ok && afterExpiry.error === notFound)
      return {
        status: "pass",
        value: `removed(${notFound})`,
        detail: "expired actively: the registering module removed the relay at its TTL",
      };
    return errorOutcome(afterExpiry, expiredError);
  });
  await ctx.check(
    { key: "expired-relay-stays-gone", expected: "error:native hook relay not found", required: false },
    async () => {
      const again = await invoke(expiring);
      return again.ok
        ? { status: "fail", value: "none(accepted, exit 0)" }
        : {
            status:
              again.error === expiredError || again.error === "native hook relay not found" ? "pass" : "fail",
            value: `error:${again.error}`,
          };
    },
  );
  await ctx.check({ key: "renewed-relay-invoke", expected: "0", required: true }, async () => {
    if (!renewal) return unsupported("the handle has no renew()");
    if (!renewal.ok) return { status: "fail", value: `error:renew() threw ${renewal.error}` };
    return invokeOutcome(afterRenewal);
  });
}

export default defineProof({
  id: "relay-expiry",
  title: "Relay expiry: past its TTL a relay is expired; renew() keeps it answering",
  behavior:
    "OpenClaw PR 77533: a relay whose TTL has passed must answer `native hook relay expired` rather than keep " +
    "serving hook commands for a run that is gone, and `renew()` before expiry must extend it, so a long run " +
    "that renews keeps its relay. The TTL itself is derived from run timeouts with a 30 min floor.",
  module: { candidates: ["src/agents/harness/native-hook-relay.ts"] },
  claims: [
    {
      id: "expired",
      text: "A relay past its TTL answers `native hook relay expired`, and stays gone.",
      evidence: ["expired-relay-error", "expired-relay-stays-gone"],
    },
    {
      id: "renewed",
      text: "renew() before expiry keeps the relay answering past its first TTL.",
      evidence: ["renewed-relay-invoke"],
    },
  ],
  requiredChecks: ["expired-relay-error", "renewed-relay-invoke"],
  summaryInfo: [],
  varies: [],
  tests: ["src/agents/harness/native-hook-relay.test.ts"],
  scenario,
});
