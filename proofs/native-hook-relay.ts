// Proof for OpenClaw issue 73723 (PRs 73950, 86340): the native hook relay must be one registry, with
// all of its state shared, across module instances; a hook command from a replaced run must fail
// closed with the stale error on every path. Adapts to the API shapes V0-V3 and both replacement
// policies described in shared/docs/target.md; never hard-codes the brand. The stages live in
// proofs/relay/, one file per claim.

import { defineProof, type ScenarioContext } from "../src/scenario/definition.ts";
import { checkApprovalBridge } from "./relay/approval-bridge.ts";
import { installApprovals } from "./relay/approvals.ts";
import { censusKeys, runCensus } from "./relay/census/census.ts";
import { checkCommandGeneration } from "./relay/command-generation.ts";
import { openGateway } from "./relay/gateway.ts";
import {
  describeGatewayServer,
  keepGatewayCallsPrivate,
  startGatewayServer,
} from "./relay/gateway-server.ts";
import { keepHeadFilesPrivate } from "./relay/head-files.ts";
import { hookCommands } from "./relay/hook-command.ts";
import { checkOneRegistry } from "./relay/one-registry.ts";
import { preToolUse } from "./relay/payloads.ts";
import { describeState, openWithFirstRegistration } from "./relay/relay.ts";
import { checkReplacement } from "./relay/replacement.ts";
import { checkStaleFinalizer } from "./relay/stale-finalizer.ts";

const modulePath = "src/agents/harness/native-hook-relay.ts";
const paths = (key: string) => [key, `${key}.bridge`, `${key}.command`, `${key}.gateway`];

async function scenario(ctx: ScenarioContext): Promise<void> {
  // Before the head's code loads: its config and logs stay in this run's private dirs.
  const headConfig = keepHeadFilesPrivate(ctx);
  await keepGatewayCallsPrivate(headConfig);
  const { relay, first, shape, runs } = await openWithFirstRegistration(ctx);
  ctx.info("api", shape);
  ctx.info("caller", runs.caller());
  ctx.info("state", describeState());
  ctx.info("bridge", relay.b.bridge ? "exported" : "absent");
  ctx.info(
    "cli",
    ctx.cli.entry ? `${relativeToRoot(ctx, ctx.cli.entry)} (${ctx.cli.detail})` : ctx.cli.detail,
  );

  // The head's own gateway server starts meanwhile; only the commands a gateway may answer wait for it.
  const gatewayServer = startGatewayServer(ctx, headConfig);
  const commands = hookCommands(ctx, JSON.stringify(preToolUse()), gatewayServer);
  const phasePaths = { relay, gateway: await openGateway(ctx), commands };
  const approvals = installApprovals(ctx, relay);
  // The first hook command may take a while to start; the census runs meanwhile.
  await checkOneRegistry(ctx, phasePaths, first, () =>
    ctx.time("census", () => runCensus(ctx, relay, approvals)),
  );
  const second = await checkReplacement(ctx, phasePaths, first, shape, runs);
  await checkApprovalBridge(ctx, relay, first, second);
  await checkCommandGeneration(ctx, [first, second]);
  await checkStaleFinalizer(ctx, relay, approvals);
  ctx.info("gateway-server", describeGatewayServer(await gatewayServer.ready));
}

function relativeToRoot(ctx: ScenarioContext, path: string): string {
  return path.startsWith(`${ctx.repoRoot}/`) ? path.slice(ctx.repoRoot.length + 1) : path;
}

export default defineProof({
  id: "native-hook-relay",
  title:
    "Native hook relay: one registry and one state across module instances; stale generations fail closed",
  behavior:
    "OpenClaw issue 73723: the native hook relay module loaded as two module instances kept two registries, " +
    "so a relay registered through one copy was `native hook relay not found` from the other (the gateway's " +
    "`nativeHook.invoke` among them), and a late hook command from a replaced run could reach the replacement. " +
    "The fix keeps all relay state on one process-global symbol and gives each registration a generation; " +
    "a stale generation fails closed.",
  module: { candidates: [modulePath] },
  files: [
    "src/gateway/server-methods/native-hook-relay.ts",
    "extensions/codex/src/app-server/native-hook-relay.ts",
    "src/cli/native-hook-relay-cli.ts",
    "extensions/codex/src/app-server/approval-bridge.ts",
  ],
  unreachable: {
    "extensions/codex/src/app-server/run-attempt.ts":
      "runs only inside a whole Codex app-server attempt (runCodexAppServerAttempt: a Codex app server, a thread and a turn); the proof registers its runs through createCodexNativeHookRelay, the function it calls, and runs the hook commands it would install",
  },
  claims: [
    {
      id: "one-registry",
      text: "A relay registered through one module instance answers through another: in-process, through the bridge, the hook command and the gateway method.",
      evidence: paths("duplicate-module-invoke"),
    },
    {
      id: "shared-state",
      text: "Every piece of relay state is shared between module instances: registrations, bridge servers, invocation history, pending permission and PreToolUse approvals, approval budgets and allow-always approvals.",
      evidence: ["shared-state", ...censusKeys],
    },
    {
      id: "stale-fails-closed",
      text: "A hook command from a replaced run fails closed with `native hook relay bridge stale registration` on every path, under either replacement policy.",
      evidence: paths("stale-generation-error"),
    },
    {
      id: "gateway-requires-generation",
      text: "The gateway requires the current generation whatever its caller sends, `requireGeneration: false` included.",
      evidence: ["stale-generation-error.gateway-bypass"],
    },
    {
      id: "replacement-answers",
      text: "The replacement run's generation answers on every path.",
      evidence: paths("replacement-generation-invoke"),
    },
    {
      id: "approval-bridge-requires-generation",
      text: "The Codex app-server approval bridge calls the relay in process with the registration's generation, required: a replaced run's approval is blocked as stale, the replacement's reaches the relay.",
      evidence: ["stale-generation-error.approval-bridge", "replacement-generation-invoke.approval-bridge"],
    },
    {
      id: "replacement-approval-survives-stale-finalizer",
      text: "A replaced run's permission approval settling late never deletes the replacement's pending approval under the same key.",
      evidence: ["pending-approval-survives-stale-finalizer"],
    },
    {
      id: "commands-carry-generation",
      text: "Every newly built hook command names `--generation` with its own registration's generation.",
      evidence: ["command-carries-generation"],
    },
    {
      id: "legacy-commands",
      text: "A hook command written before the upgrade (no `--generation`) fails through the normal unavailable path with a deny, never a crash at option parsing.",
      evidence: ["legacy-command"],
    },
  ],
  requiredChecks: [
    "duplicate-module-invoke",
    "stale-generation-error",
    "replacement-generation-invoke",
    "shared-state",
  ],
  summaryInfo: ["api", "replacement"],
  // `cli` names the CLI file: one outside the checkout (`--cli PATH`) by its absolute path.
  // `gateway-server` says how long the head's gateway server took to start.
  varies: ["cli", "gateway-server"],
  tests: [
    "src/agents/harness/native-hook-relay.test.ts",
    "src/cli/native-hook-relay-cli.test.ts",
    "src/gateway/server-methods/native-hook-relay.test.ts",
    "extensions/codex/src/app-server/native-hook-relay.test.ts",
    "extensions/codex/src/app-server/approval-bridge.test.ts",
  ],
  scenario,
});
