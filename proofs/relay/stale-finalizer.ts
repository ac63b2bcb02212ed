// Claim (PR 86340, "Keep replacement pending permission approvals from being deleted by stale approval
// finalizers"): a permission approval is a pending promise in the shared map; when its run is
// replaced, the replacement starts its own approval under the same key, and run 1's approval settling
// later must not delete the replacement's entry: a second identical request of the replacement joins
// its pending approval (its requester is asked once), it does not start another.
import type { CheckOutcome, ScenarioContext } from "../../src/scenario/definition.ts";
import type { Approvals } from "./approvals.ts";
import { type Captured, capture, until } from "./capture.ts";
import { absent, cannotDrive } from "./outcomes.ts";
import { freshId, permissionRequest } from "./payloads.ts";
import { invokeParams, type Registered, type Relay } from "./relay.ts";

const askedWithinMs = 2000;
/** How long a request that would start a new approval gets to reach its requester. */
const joinWindowMs = 300;

interface Gate {
  promise: Promise<string>;
  release(decision: string): void;
}

function gate(): Gate {
  let release: (decision: string) => void = () => {};
  const promise = new Promise<string>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

export async function checkStaleFinalizer(
  ctx: ScenarioContext,
  relay: Relay,
  approvals: Approvals | { missing: string },
): Promise<void> {
  await ctx.check(
    { key: "pending-approval-survives-stale-finalizer", expected: "yes", required: false },
    async () => observe(relay, approvals),
  );
}

async function observe(relay: Relay, approvals: Approvals | { missing: string }): Promise<CheckOutcome> {
  if ("missing" in approvals) return cannotDrive(approvals.missing);
  const { a, b } = relay;
  const relayId = freshId("finalizer");
  // Both runs are one run id: the approval key (relay, run, tool call, request) is then the same.
  const runId = `${relayId}-run`;
  const gates: Gate[] = [];
  const answer = () => {
    const next = gate();
    gates.push(next);
    return next.promise;
  };
  approvals.routePermission(a, runId, answer);
  approvals.routePermission(b, runId, answer);
  const asked = () => approvals.calls(a, runId) + approvals.calls(b, runId);
  const first = await relay.register(a, { relayId, runId });
  if ("error" in first) return cannotDrive(`registering run 1 through A failed: ${first.error}`);
  if (!first.generation) return absent("no generations at this head: a replacement cannot be told apart");
  const payload = permissionRequest(freshId("finalizer-call"), "echo relay-proof finalizer");
  const send = (via: typeof a, registered: Registered): Promise<Captured> =>
    capture(() => via.invoke(invokeParams(relayId, registered.generation, "permission_request", payload)));
  const settleAll = async (pending: Promise<Captured>[]) => {
    for (const g of gates) g.release("deny");
    await Promise.all(pending);
  };
  const run1 = send(a, first);
  if (!(await until(() => asked() >= 1, askedWithinMs))) {
    await settleAll([run1]);
    return cannotDrive("run 1's permission request never reached an approval requester");
  }
  // Replace run 1 (same id, same run id) through B and end run 1 (a no-op where B's evicted it).
  const second = await relay.register(b, { relayId, runId });
  if ("error" in second) {
    await settleAll([run1]);
    return cannotDrive(`registering the replacement through B failed: ${second.error}`);
  }
  await capture(() => first.handle.unregister?.());
  const replacement = send(b, second);
  if (!(await until(() => asked() >= 2, joinWindowMs))) {
    await settleAll([run1, replacement]);
    return absent("the replacement's request joined run 1's pending approval: no stale finalizer can arise");
  }
  // Run 1's approval settles while the replacement's is pending; its finalizer runs.
  gates[0]?.release("deny");
  await run1;
  const again = send(b, second);
  await until(() => asked() >= 3, joinWindowMs);
  const askedInAll = asked();
  await settleAll([replacement, again]);
  if (askedInAll > 2)
    return {
      status: "fail",
      value: `no(run 1's settled approval deleted the replacement's pending one: an identical request asked again (${askedInAll} approvals for 2 runs))`,
    };
  return {
    status: "pass",
    value: "yes",
    detail: "the replacement's identical request joined its pending approval",
  };
}
