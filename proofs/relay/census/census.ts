// The shared-state census: every piece of relay-owned state shown shared between the two module
// instances by what they do, one `shared.<piece>` line each and a `shared-state` summary. A piece not
// shared fails the proof and is named; one the proof cannot drive on this head's API is
// `cannot-drive` (not tested: neither shared nor not, and never a holding verdict); one the head does
// not have is `absent` (not counted).
import type { CheckOutcome, ScenarioContext } from "../../../src/scenario/definition.ts";
import type { Approvals } from "../approvals.ts";
import type { HookRunner } from "../hook-runner.ts";
import { openHookRunner } from "../hook-runner.ts";
import { freshId } from "../payloads.ts";
import type { Registered, Relay } from "../relay.ts";
import { allowAlwaysApprovals } from "./allow-always-approvals.ts";
import { approvalRateWindows } from "./approval-rate-windows.ts";
import { bridgeServers } from "./bridge-servers.ts";
import { invocationHistory } from "./invocation-history.ts";
import { pendingPermissionApprovals } from "./pending-permission-approvals.ts";
import { pendingPreToolUseApprovals } from "./pending-pretooluse-approvals.ts";
import { type CensusKit, cannotDrive, invokeThrough, type Piece, type PieceResult } from "./piece.ts";
import { registrations } from "./registrations.ts";

/** In the order of the state object on V2 heads. */
export const pieces: readonly Piece[] = [
  registrations,
  invocationHistory,
  pendingPermissionApprovals,
  pendingPreToolUseApprovals,
  approvalRateWindows,
  allowAlwaysApprovals,
  bridgeServers,
];

export const censusKeys = pieces.map((piece) => `shared.${piece.key}`);

function outcomeOf(result: PieceResult): CheckOutcome {
  switch (result.state) {
    case "yes":
      return { status: "pass", value: "yes", detail: result.seen };
    case "no":
      return { status: "fail", value: `no(${result.seen})` };
    case "cannot-drive":
      return { status: "cannot-drive", value: `cannot-drive(${result.seen})` };
    case "absent":
      return { status: "absent", value: `absent(${result.seen})` };
  }
}

/**
 * `7/7`, `5/7 not shared: a, b`, or `5/5 (2 not driven: c, d)`: pieces the proof could not drive
 * are counted neither way (and keep the summary from passing); absent pieces are not counted.
 */
export function summary(results: readonly [Piece, PieceResult][]): CheckOutcome {
  const keysIn = (state: PieceResult["state"]) =>
    results.filter(([, result]) => result.state === state).map(([piece]) => piece.key);
  const shared = keysIn("yes").length;
  const notShared = keysIn("no");
  const undriven = keysIn("cannot-drive");
  const absentKeys = keysIn("absent");
  const counted = shared + notShared.length;
  const tail = [
    ...(undriven.length > 0 ? [`${undriven.length} not driven: ${undriven.join(", ")}`] : []),
    ...(absentKeys.length > 0 ? [`absent: ${absentKeys.join(", ")}`] : []),
  ];
  const suffix = tail.length > 0 ? ` (${tail.join("; ")})` : "";
  if (notShared.length > 0)
    return { status: "fail", value: `${shared}/${counted} not shared: ${notShared.join(", ")}${suffix}` };
  return { status: undriven.length > 0 ? "cannot-drive" : "pass", value: `${shared}/${counted}${suffix}` };
}

/**
 * Run the census: register one relay per piece through A (all before any observation, so no
 * registration's pruning lands inside the bridge piece's expiry window), then observe every piece at once.
 */
export async function runCensus(
  ctx: ScenarioContext,
  relay: Relay,
  approvals: Approvals | { missing: string },
) {
  let runner: Promise<HookRunner | { missing: string }> | undefined;
  const kit: CensusKit = {
    ctx,
    relay,
    approvals,
    hookRunner: () => {
      runner ??= openHookRunner(ctx);
      return runner;
    },
    invoke: invokeThrough,
  };
  const registered: (Registered | { error: string })[] = [];
  for (const piece of pieces) {
    const relayId = freshId(`census-${piece.key}`);
    registered.push(await relay.register(relay.a, { relayId, runId: `${relayId}-run` }));
  }
  const observed = await Promise.all(
    pieces.map(async (piece, index): Promise<[Piece, PieceResult]> => {
      const registration = registered[index];
      if (!registration || "error" in registration)
        return [piece, cannotDrive(`registering through A failed: ${registration?.error ?? "?"}`)];
      try {
        return [piece, await piece.observe(kit, registration)];
      } catch (error) {
        return [piece, cannotDrive(`the observation threw: ${(error as Error).message}`)];
      }
    }),
  );
  for (const [piece, result] of observed) {
    await ctx.check({ key: `shared.${piece.key}`, expected: "yes", required: false }, async () =>
      outcomeOf(result),
    );
  }
  await ctx.check(
    { key: "shared-state", expected: `${pieces.length}/${pieces.length}`, required: true },
    async () => summary(observed),
  );
}
