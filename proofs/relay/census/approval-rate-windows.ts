// Approval budget windows: spend a relay's approval budget through A (until A's requester is no
// longer asked); B must then not ask its requester either.
import { freshId, permissionRequest } from "../payloads.ts";
import type { Registered, RelayInstance } from "../relay.ts";
import { absent, type CensusKit, cannotDrive, no, type Piece, yes } from "./piece.ts";

const maxRequests = 64;

export const approvalRateWindows: Piece = {
  key: "approval-rate-windows",
  async observe(kit, registered) {
    const { approvals } = kit;
    if ("missing" in approvals) return cannotDrive(approvals.missing);
    const { a, b } = kit.relay;
    approvals.routePermission(a, registered.runId, () => "allow");
    approvals.routePermission(b, registered.runId, () => "allow");
    let request = 0;
    /** Whether `via`'s requester was asked for one more distinct request. */
    const asks = async (via: RelayInstance, r: Registered, k: CensusKit) => {
      request += 1;
      const before = approvals.calls(via, r.runId);
      const payload = permissionRequest(freshId("budget-call"), `echo relay-proof budget ${request}`);
      const answer = await k.invoke(via, r, "permission_request", payload);
      return { asked: approvals.calls(via, r.runId) > before, answer };
    };
    let budget: number | undefined;
    for (let i = 0; i < maxRequests && budget === undefined; i += 1) {
      const { asked, answer } = await asks(a, registered, kit);
      if (!answer.ok) return cannotDrive(`A's own permission request failed: ${answer.error}`);
      if (!asked) budget = i;
    }
    if (budget === undefined) return absent(`no approval budget within ${maxRequests} requests`);
    if (budget === 0) return cannotDrive("A's approval requester was never asked for a permission request");
    const { asked, answer } = await asks(b, registered, kit);
    if (!answer.ok) return no(`B could not reach A's relay: ${answer.error}`);
    return asked
      ? no(`B still asked its requester after A spent the budget of ${budget} approvals`)
      : yes(`the budget of ${budget} approvals spent through A held for B`);
  },
};
