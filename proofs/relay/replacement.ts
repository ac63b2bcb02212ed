// Claims: a replaced run's generation fails closed with the stale error on every path, the
// replacement's answers, the gateway requires the generation whatever its caller sends, and hook
// commands written before generations existed fail through the normal unavailable path.
// One sequence holds under either replacement policy (target.md): register A, register B under the
// same id, end A's run (a no-op where B evicted A), then A's generation must be stale and B's answer.
import type { CheckOutcome, ScenarioContext } from "../../src/scenario/definition.ts";
import { capture, describe } from "./capture.ts";
import { gatewayInvoke, gatewayParams, gatewayStale } from "./gateway.ts";
import {
  commandInvoke,
  commandLegacy,
  commandStale,
  hookEvent,
  type RanCommand,
  withoutGeneration,
} from "./hook-command.ts";
import { noBridge, type Paths } from "./one-registry.ts";
import { invokeOutcome, staleError, staleOutcome, unsupported } from "./outcomes.ts";
import { freshId, permissionRequest, preToolUse } from "./payloads.ts";
import { bridgeParams, invokeParams, type Registered, type Runs, type Shape } from "./relay.ts";

/** While both runs are live: `evicts` (A's generation is stale at once) or `coexists` (it still answers). */
function policyOf(answer: Awaited<ReturnType<typeof capture>>): string {
  if (!answer.ok && answer.error === staleError) return "evicts";
  const exitCode = answer.ok ? (answer.value as { exitCode?: unknown } | null)?.exitCode : undefined;
  return exitCode === 0 ? "coexists" : `unknown(${describe(answer)})`;
}

export async function checkReplacement(
  ctx: ScenarioContext,
  paths: Paths,
  first: Registered,
  shape: Shape,
  runs: Runs,
): Promise<Registered | undefined> {
  const { relay, gateway, commands } = paths;
  const { relayId } = first;
  let cannotReplace: string | undefined;
  let second: Registered | undefined;
  if (shape === "v0") cannotReplace = "api v0: relayId is ignored";
  else if (!first.generation) cannotReplace = `api ${shape}: no generations`;
  else {
    // The replacement run of the same session, registered from B's copy the way the first was from A's.
    const registered = await runs.register(relay.b, "relay-proof-run-2");
    if ("error" in registered)
      ctx.cannotTest(`replacement registerNativeHookRelay threw: ${registered.error}`);
    second = registered;
    if (!second.generation || second.generation === first.generation)
      cannotReplace = "replacement kept the old generation";
  }
  const payload = preToolUse();
  const direct = (generation: string | undefined) =>
    capture(() => relay.a.invoke(invokeParams(relayId, generation, hookEvent, payload)));
  if (!cannotReplace) {
    ctx.info("replacement", policyOf(await direct(first.generation)));
    // End A's run. Where B's registration evicted A this is a no-op and must stay one.
    await capture(() => first.handle.unregister?.());
  }

  const bridge = (generation: string | undefined) =>
    relay.a.bridge
      ? capture(() => relay.a.bridge?.(bridgeParams(first, generation, hookEvent, payload)))
      : undefined;
  const replacement = second;
  const start = () => ({
    staleDirect: direct(first.generation),
    staleBridge: bridge(first.generation),
    staleCommand: commands.run(first.handle, { label: "stale-generation-error" }),
    staleGateway: gateway.invoke(gatewayParams(relayId, first.generation, hookEvent, payload)),
    // A public head passed the caller's requireGeneration on (a P1 in review): the gateway must not.
    bypassGateway: gateway.invoke({
      ...gatewayParams(relayId, first.generation, hookEvent, payload),
      requireGeneration: false,
    }),
    newDirect: direct(replacement?.generation),
    newBridge: bridge(replacement?.generation),
    newCommand: commands.run(replacement?.handle, { label: "replacement-generation-invoke" }),
    newGateway: gateway.invoke(gatewayParams(relayId, replacement?.generation, hookEvent, payload)),
    legacyCommand: commands.run(replacement?.handle, {
      event: "permission_request",
      input: JSON.stringify(permissionRequest(freshId("legacy-call"), "echo relay-proof legacy")),
      rewrite: withoutGeneration,
      label: "legacy-command",
    }),
  });
  let phase: ReturnType<typeof start> | undefined;
  const check = (
    key: string,
    expected: string,
    run: (p: ReturnType<typeof start>) => Promise<CheckOutcome>,
  ) =>
    ctx.check({ key, expected, required: !key.includes(".") }, async () => {
      if (cannotReplace) return unsupported(cannotReplace);
      phase ??= start();
      return run(phase);
    });
  let staleCommand: RanCommand | undefined;
  await check("stale-generation-error", staleError, async (p) => staleOutcome(await p.staleDirect));
  await check("stale-generation-error.bridge", staleError, async (p) => {
    const answer = await p.staleBridge;
    return answer ? staleOutcome(answer) : noBridge;
  });
  await check("stale-generation-error.gateway", staleError, async (p) => gatewayStale(await p.staleGateway));
  await check("stale-generation-error.gateway-bypass", staleError, async (p) =>
    gatewayStale(await p.bypassGateway),
  );
  await check("replacement-generation-invoke", "0", async (p) => invokeOutcome(await p.newDirect));
  await check("replacement-generation-invoke.bridge", "0", async (p) => {
    const answer = await p.newBridge;
    return answer ? invokeOutcome(answer) : noBridge;
  });
  await check("replacement-generation-invoke.gateway", "0", async (p) => gatewayInvoke(await p.newGateway));
  await check("stale-generation-error.command", staleError, async (p) => {
    staleCommand = await p.staleCommand;
    return commandStale(staleCommand);
  });
  await check("replacement-generation-invoke.command", "0", async (p) => commandInvoke(await p.newCommand));
  // The legacy command's usual exit is the stale command's: both fail through the unavailable path.
  await ctx.check(
    { key: "legacy-command", expected: "unavailable(deny, exit 0)", required: false },
    async () => {
      if (cannotReplace) return unsupported(cannotReplace);
      phase ??= start();
      return commandLegacy(await phase.legacyCommand, staleCommand);
    },
  );
  return second;
}
