// Proof for OpenClaw PRs 87272 and 87386 (issue 87331): a registration made with
// `generationMismatchGraceMs` accepts the first foreign generation it sees and pins it, so a
// second, different one is stale; a registration without grace refuses any mismatch.
import { type CheckOutcome, defineProof, type ScenarioContext } from "../src/scenario/definition.ts";
import { capture } from "./relay/capture.ts";
import { invokeOutcome, staleError, staleOutcome, unsupported } from "./relay/outcomes.ts";
import { freshId, preToolUse } from "./relay/payloads.ts";
import { bridgeParams, invokeParams, openRelay, type Registered } from "./relay/relay.ts";

const event = "pre_tool_use";
const graceMs = 60_000;

async function scenario(ctx: ScenarioContext): Promise<void> {
  const relay = await openRelay(ctx);
  const register = async (label: string, grace: boolean): Promise<Registered> => {
    const relayId = freshId(label);
    const registered = await relay.register(relay.a, {
      relayId,
      runId: `${relayId}-run`,
      ...(grace ? { generationMismatchGraceMs: graceMs } : {}),
    });
    if ("error" in registered) ctx.cannotTest(`registerNativeHookRelay threw: ${registered.error}`);
    return registered;
  };
  const graced = await register("grace", true);
  const throughBridge = await register("grace-bridge", true);
  const plain = await register("no-grace", false);
  const why = graced.generation ? undefined : "no generations at this head";
  // One module instance: sharing across instances is the native-hook-relay proof's claim, not this one.
  const direct = (registered: Registered, generation: string) =>
    capture(() => relay.a.invoke(invokeParams(registered.relayId, generation, event, preToolUse())));
  const check = (key: string, expected: string, required: boolean, run: () => Promise<CheckOutcome>) =>
    ctx.check({ key, expected, required }, async () => (why ? unsupported(why) : run()));
  const first = freshId("foreign-generation");
  const second = freshId("other-generation");
  await check("grace-first-foreign-invoke", "0", true, async () =>
    invokeOutcome(await direct(graced, first)),
  );
  await check("grace-pinned-invoke", "0", false, async () => invokeOutcome(await direct(graced, first)));
  await check("grace-second-foreign-error", staleError, true, async () =>
    staleOutcome(await direct(graced, second)),
  );
  await check("grace-own-generation-invoke", "0", false, async () =>
    invokeOutcome(await direct(graced, graced.generation as string)),
  );
  await check("grace-first-foreign-invoke.bridge", "0", false, async () => {
    const bridge = relay.a.bridge;
    if (!bridge)
      return { status: "skipped", value: "skipped", detail: "no invokeNativeHookRelayBridge export" };
    return invokeOutcome(
      await capture(() => bridge(bridgeParams(throughBridge, first, event, preToolUse()))),
    );
  });
  await check("no-grace-foreign-error", staleError, true, async () =>
    staleOutcome(await direct(plain, first)),
  );
}

export default defineProof({
  id: "grace-window",
  title: "Generation grace window: the first foreign generation is pinned, any other is stale",
  behavior:
    "OpenClaw PRs 87272 and 87386 (issue 87331): a relay registered with `generationMismatchGraceMs` accepts the " +
    "first generation that is not its own during the grace window, for a hook command that bootstrapped " +
    "before the registration's generation was known, and pins it: a second, different generation is " +
    "`native hook relay bridge stale registration`. Without grace, any mismatch is stale.",
  module: { candidates: ["src/agents/harness/native-hook-relay.ts"] },
  claims: [
    {
      id: "first-foreign-accepted",
      text: "With a grace window, the first foreign generation answers, in-process and through the bridge, and stays accepted.",
      evidence: [
        "grace-first-foreign-invoke",
        "grace-first-foreign-invoke.bridge",
        "grace-pinned-invoke",
        "grace-own-generation-invoke",
      ],
    },
    {
      id: "second-foreign-stale",
      text: "Once a foreign generation is pinned, a different one is stale.",
      evidence: ["grace-second-foreign-error"],
    },
    {
      id: "no-grace-stale",
      text: "Without a grace window, any foreign generation is stale.",
      evidence: ["no-grace-foreign-error"],
    },
  ],
  requiredChecks: ["grace-first-foreign-invoke", "grace-second-foreign-error", "no-grace-foreign-error"],
  summaryInfo: [],
  varies: [],
  tests: ["src/agents/harness/native-hook-relay.test.ts"],
  scenario,
});
