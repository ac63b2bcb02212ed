// Claim: one registry across module instances. A relay registered through A answers through B on
// every path a hook reaches it by: in-process (B's direct invoke: the bug's own path), the bridge,
// the hook command, and the gateway method (the copy in the original bug report's log).
import type { CheckOutcome, ScenarioContext } from "../../src/scenario/definition.ts";
import { capture } from "./capture.ts";
import { type Gateway, gatewayInvoke, gatewayParams } from "./gateway.ts";
import { commandInvoke, type hookCommands, hookEvent } from "./hook-command.ts";
import { invokeOutcome, skipped } from "./outcomes.ts";
import { preToolUse } from "./payloads.ts";
import { bridgeParams, invokeParams, type Registered, type Relay } from "./relay.ts";

export interface Paths {
  relay: Relay;
  gateway: Gateway;
  commands: ReturnType<typeof hookCommands>;
}

export const noBridge: CheckOutcome = skipped("no invokeNativeHookRelayBridge export");

/**
 * Start every path at once (the command is the slow one: `whileCommandRuns` overlaps it), report
 * them in a fixed order. Returns the phase's direct answer, for the caller.
 */
export async function checkOneRegistry(
  ctx: ScenarioContext,
  paths: Paths,
  first: Registered,
  whileCommandRuns: () => Promise<void>,
): Promise<void> {
  const { relay, gateway, commands } = paths;
  const { relayId, generation } = first;
  const payload = preToolUse();
  // The phase starts inside its first check, so a crash or hang is attributed to that step.
  const start = () => ({
    direct: capture(() => relay.b.invoke(invokeParams(relayId, generation, hookEvent, payload))),
    bridge: relay.b.bridge
      ? capture(() => relay.b.bridge?.(bridgeParams(first, generation, hookEvent, payload)))
      : undefined,
    gateway: gateway.invoke(gatewayParams(relayId, generation, hookEvent, payload)),
    command: commands.run(first.handle, { first: true, label: "duplicate-module-invoke" }),
  });
  let phase: ReturnType<typeof start> | undefined;
  await ctx.check({ key: "duplicate-module-invoke", expected: "0", required: true }, async () => {
    phase = start();
    return invokeOutcome(await phase.direct);
  });
  const started = phase as ReturnType<typeof start> | undefined;
  if (!started) ctx.cannotTest("the first check did not start its phase");
  await ctx.check({ key: "duplicate-module-invoke.bridge", expected: "0", required: false }, async () =>
    started.bridge ? invokeOutcome(await started.bridge) : noBridge,
  );
  await ctx.check({ key: "duplicate-module-invoke.gateway", expected: "0", required: false }, async () =>
    gatewayInvoke(await started.gateway),
  );
  await whileCommandRuns();
  await ctx.check({ key: "duplicate-module-invoke.command", expected: "0", required: false }, async () =>
    commandInvoke(await started.command),
  );
}
