// npm run bench: the native hook relay proof without its shared-state census, so the bench can
// measure what the census adds to a run (goal: at most 1 s on a real checkout). Not a proof to use.

import proof from "../../proofs/native-hook-relay.ts";
import { openGateway } from "../../proofs/relay/gateway.ts";
import { hookCommands } from "../../proofs/relay/hook-command.ts";
import { checkOneRegistry } from "../../proofs/relay/one-registry.ts";
import { preToolUse } from "../../proofs/relay/payloads.ts";
import { detectShape, openRelay } from "../../proofs/relay/relay.ts";
import { checkReplacement } from "../../proofs/relay/replacement.ts";
import { defineProof, type ScenarioContext } from "../../src/scenario/definition.ts";

async function scenario(ctx: ScenarioContext): Promise<void> {
  const relay = await openRelay(ctx);
  const requestedId = `relay-proof-${Math.random().toString(36).slice(2, 10)}`;
  const first = await relay.register(relay.a, { relayId: requestedId, runId: "relay-proof-run-1" });
  if ("error" in first) ctx.cannotTest(`registerNativeHookRelay threw: ${first.error}`);
  const shape = detectShape(first, requestedId, relay.clientFile);
  const paths = {
    relay,
    gateway: await openGateway(ctx),
    commands: hookCommands(ctx, JSON.stringify(preToolUse())),
  };
  await checkOneRegistry(ctx, paths, first, async () => {});
  await checkReplacement(ctx, paths, first, shape);
}

export default defineProof({
  ...proof,
  id: "native-hook-relay-without-census",
  requiredChecks: proof.requiredChecks.filter((key) => key !== "shared-state"),
  claims: undefined,
  scenario,
});
