// Allow-always approvals (the gap a review of PR 73950 found): B's requester answers allow-always;
// the same request through A (same tool, cwd and input, another tool_use_id) must be allowed without
// asking A's requester, which would deny.
import { freshId, permissionDecision, permissionRequest } from "../payloads.ts";
import { absent, cannotDrive, no, type Piece, yes } from "./piece.ts";

export const allowAlwaysApprovals: Piece = {
  key: "allow-always-approvals",
  async observe(kit, registered) {
    const { approvals } = kit;
    if ("missing" in approvals) return cannotDrive(approvals.missing);
    const { a, b } = kit.relay;
    approvals.routePermission(b, registered.runId, () => "allow-always");
    approvals.routePermission(a, registered.runId, () => "deny");
    const command = "echo relay-proof allow-always";
    const request = (via: typeof a) =>
      kit.invoke(via, registered, "permission_request", permissionRequest(freshId("always-call"), command));
    const first = await request(b);
    if (!first.ok) return no(`B could not reach A's relay: ${first.error}`);
    if (permissionDecision(first.value) !== "allow")
      return cannotDrive(
        `B's requester answered allow-always, the relay answered ${permissionDecision(first.value)}`,
      );
    const throughA = await request(a);
    if (!throughA.ok) return cannotDrive(`A's permission request failed: ${throughA.error}`);
    const decision = permissionDecision(throughA.value);
    const aAsked = approvals.calls(a, registered.runId);
    if (decision === "allow" && aAsked === 0) return yes("B's allow-always answered A's identical request");
    // Does the head remember allow-always at all? Ask B again, its own cache.
    const bBefore = approvals.calls(b, registered.runId);
    const again = await request(b);
    const remembered =
      again.ok &&
      permissionDecision(again.value) === "allow" &&
      approvals.calls(b, registered.runId) === bBefore;
    if (!remembered) return absent("not even B remembers an allow-always answer");
    return no(`A asked its own requester (it answered ${decision}) for what B had allowed always`);
  },
};
