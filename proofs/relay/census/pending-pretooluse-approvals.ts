// Pending PreToolUse approvals: a PreToolUse through A whose plugin hook asks for approval (report
// mode) leaves a deferred approval; B must find and resolve it.
import { capture } from "../capture.ts";
import { freshId, preToolUse } from "../payloads.ts";
import { absent, cannotDrive, no, type Piece, yes } from "./piece.ts";

const resolver = "resolveNativeHookRelayDeferredToolApproval";

export const pendingPreToolUseApprovals: Piece = {
  key: "pending-pretooluse-approvals",
  async observe(kit, registered) {
    const { approvals } = kit;
    const { a, b } = kit.relay;
    if (!a.fn(resolver) || !b.fn(resolver))
      return absent(`no ${resolver} export (no deferred PreToolUse approvals)`);
    if ("missing" in approvals) return cannotDrive(approvals.missing);
    if (approvals.deferredMissing) return cannotDrive(approvals.deferredMissing);
    const runner = await kit.hookRunner();
    if ("missing" in runner) return cannotDrive(`cannot install a before_tool_call hook: ${runner.missing}`);
    const toolName = freshId("probe-tool").replace(/-/g, "_");
    const toolUseId = freshId("deferred-call");
    const toolInput = { command: "echo relay-proof deferred" };
    const remove = await runner.install((event) =>
      (event as { toolName?: unknown } | null)?.toolName === toolName
        ? { requireApproval: { title: "relay-proof", description: "relay-proof shared-state census" } }
        : undefined,
    );
    try {
      const modes = Object.fromEntries(
        kit.relay.brands().map((brand) => [`${brand}_approval_mode`, "report"]),
      );
      const payload = preToolUse({
        ...modes,
        tool_name: toolName,
        tool_use_id: toolUseId,
        tool_input: toolInput,
      });
      const deferred = await kit.invoke(a, registered, "pre_tool_use", payload);
      if (!deferred.ok) return cannotDrive(`A's PreToolUse failed: ${deferred.error}`);
      const approve = () => ({ blocked: false, params: toolInput, approvalResolution: "allow-once" });
      approvals.routeDeferred(a, toolName, approve);
      approvals.routeDeferred(b, toolName, approve);
      const resolve = (via: typeof a) =>
        // The split layout keys PreToolUse approvals by run id too: resolving needs it (V2 ignores it).
        capture(() =>
          via.fn(resolver)?.({ relayId: registered.relayId, runId: registered.runId, toolUseId }),
        );
      const throughB = await resolve(b);
      if (throughB.ok && throughB.value !== undefined)
        return yes("B resolved the approval A's PreToolUse left pending");
      const throughA = await resolve(a);
      if (throughA.ok && throughA.value !== undefined)
        return no("B found no pending approval for A's PreToolUse; A did");
      return cannotDrive("the PreToolUse left no pending approval (the hook's approval was not deferred)");
    } finally {
      await remove();
    }
  },
};
