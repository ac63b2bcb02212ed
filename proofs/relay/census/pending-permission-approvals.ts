// Pending permission approvals: the same request through A and then B while A's is pending shares
// A's approval; B's requester is never asked.
import { capture, until } from "../capture.ts";
import { freshId, permissionDecision, permissionRequest } from "../payloads.ts";
import { invokeParams } from "../relay.ts";
import { cannotDrive, no, type Piece, yes } from "./piece.ts";

export const pendingPermissionApprovals: Piece = {
  key: "pending-permission-approvals",
  async observe(kit, registered) {
    const { approvals } = kit;
    if ("missing" in approvals) return cannotDrive(approvals.missing);
    const { a, b } = kit.relay;
    let release: (decision: string) => void = () => {};
    const decided = new Promise<string>((resolve) => {
      release = resolve;
    });
    approvals.routePermission(a, registered.runId, () => decided);
    approvals.routePermission(b, registered.runId, () => decided);
    const payload = permissionRequest(freshId("pending-call"), "echo relay-proof pending");
    const params = invokeParams(registered.relayId, registered.generation, "permission_request", payload);
    const first = capture(() => a.invoke(params));
    if (!(await until(() => approvals.calls(a, registered.runId) > 0, 2000))) {
      release("allow");
      await first;
      return cannotDrive("A's approval requester was never asked for a permission request");
    }
    // While A's approval is pending, the same request through B. Where B keeps its own pending
    // approvals it asks its own requester before its invoke can resolve, so counting after both
    // resolved cannot miss it; the short wait only lets a slow B reach A's pending approval first.
    const second = capture(() => b.invoke(params));
    await until(() => approvals.calls(b, registered.runId) > 0, 200);
    release("allow");
    const [, throughB] = await Promise.all([first, second]);
    if (!throughB.ok) return no(`B could not reach A's relay: ${throughB.error}`);
    const bAsked = approvals.calls(b, registered.runId);
    if (bAsked > 0)
      return no(`B asked its own requester for a request A had pending (${1 + bAsked} approvals for one)`);
    const decision = permissionDecision(throughB.value);
    if (decision !== "allow") return no(`B's identical request answered ${decision}, not A's allow`);
    return yes("one pending approval answered both instances' identical requests");
  },
};
