// npm run bench: the native hook relay proof without its shared-state census, so the bench can
// measure what the census adds to a run (goal: at most 1 s on a real checkout). Not a proof to use.

import proof from "../../proofs/native-hook-relay.ts";
import { openGateway } from "../../proofs/relay/gateway.ts";
import { hookCommands } from "../../proofs/relay/hook-command.ts";
import { checkOneRegistry } from "../../proofs/relay/one-registry.ts";
import { preToolUse } from "../../proofs/relay/payloads.ts";
import { openWithFirstRegistration } from "../../proofs/relay/relay.ts";
import { checkReplacement } from "../../proofs/relay/replacement.ts";
import { defineProof, type ScenarioContext } from "../../src/scenario/definition.ts";

async function scenario(ctx: ScenarioContext): Promise<void> {
  const { relay, first, shape, runs } = await openWithFirstRegistration(ctx);
  const paths = {
    relay,
    gateway: await openGateway(ctx),
    commands: hookCommands(ctx, JSON.stringify(preToolUse())),
  };
  await checkOneRegistry(ctx, paths, first, async () => {});
  await checkReplacement(ctx, paths, first, shape, runs);
}

export default defineProof({
  ...proof,
  id: "native-hook-relay-without-census",
  requiredChecks: proof.requiredChecks.filter((key) => key !== "shared-state"),
  claims: undefined,
  scenario,
});
