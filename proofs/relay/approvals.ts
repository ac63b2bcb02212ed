// The approval requesters a proof answers with. Each module instance has its own requester (a
// module-level variable its `testing.set...RequesterForTests` helper replaces), so each instance gets
// one dispatcher that routes by the registration's run id (permission requests) or the tool name
// (deferred PreToolUse approvals) and records every call; anything unrouted answers "defer", so the
// real requester, which would ask a gateway, never runs. Teardown restores both instances' requesters
// with the module's own test reset (there is no getter to restore from).
import type { ScenarioContext } from "../../src/scenario/definition.ts";
import { capture } from "./capture.ts";
import type { Relay, RelayInstance } from "./relay.ts";

const permissionSetter = "setNativeHookRelayPermissionApprovalRequesterForTests";
const deferredSetter = "setNativeHookRelayDeferredToolApprovalRequesterForTests";
const reset = "clearNativeHookRelaysForTests";

type PermissionAnswer = (request: Record<string, unknown>) => unknown;
type DeferredAnswer = (params: Record<string, unknown>) => unknown;

export interface Approvals {
  /** `instance`'s permission requester answers requests of `runId` with `answer`. */
  routePermission(instance: RelayInstance, runId: string, answer: PermissionAnswer): void;
  /** `instance`'s deferred-tool requester answers approvals for `toolName` with `answer`. */
  routeDeferred(instance: RelayInstance, toolName: string, answer: DeferredAnswer): void;
  /** How often `instance`'s requester was asked for `key` (a run id or a tool name). */
  calls(instance: RelayInstance, key: string): number;
  /** Why the deferred requester cannot be set, when it cannot. */
  deferredMissing: string | undefined;
}

interface Dispatch {
  routes: Map<string, (request: Record<string, unknown>) => unknown>;
  calls: Map<string, number>;
}

function dispatcher(dispatch: Dispatch, keyOf: (request: Record<string, unknown>) => string) {
  return async (request: Record<string, unknown>) => {
    const key = keyOf(request ?? {});
    dispatch.calls.set(key, (dispatch.calls.get(key) ?? 0) + 1);
    const route = dispatch.routes.get(key);
    return route ? route(request) : "defer";
  };
}

const text = (value: unknown) => (typeof value === "string" ? value : "");

/** Install dispatchers on both instances, or say why this head's API cannot express it. */
export function installApprovals(ctx: ScenarioContext, relay: Relay): Approvals | { missing: string } {
  const instances = [relay.a, relay.b];
  if (instances.some((instance) => !instance.fn(permissionSetter)))
    return { missing: `no testing.${permissionSetter}: the approval requester cannot be set` };
  const permission = new Map<RelayInstance, Dispatch>();
  const deferred = new Map<RelayInstance, Dispatch>();
  const deferredMissing = instances.some((instance) => !instance.fn(deferredSetter))
    ? `no testing.${deferredSetter}: the deferred approval requester cannot be set`
    : undefined;
  for (const instance of instances) {
    const forPermission: Dispatch = { routes: new Map(), calls: new Map() };
    const forDeferred: Dispatch = { routes: new Map(), calls: new Map() };
    permission.set(instance, forPermission);
    deferred.set(instance, forDeferred);
    instance.fn(permissionSetter)?.(dispatcher(forPermission, (request) => text(request.runId)) as never);
    if (!deferredMissing) {
      const toolOf = (params: Record<string, unknown>) =>
        text((params.deferredApproval as Record<string, unknown> | undefined)?.toolName);
      instance.fn(deferredSetter)?.(dispatcher(forDeferred, toolOf) as never);
    }
  }
  ctx.onTeardown(async () => {
    for (const instance of instances) await capture(() => instance.fn(reset)?.({}));
  });
  const of = (map: Map<RelayInstance, Dispatch>, instance: RelayInstance) => map.get(instance) as Dispatch;
  return {
    routePermission: (instance, runId, answer) => of(permission, instance).routes.set(runId, answer),
    routeDeferred: (instance, toolName, answer) => of(deferred, instance).routes.set(toolName, answer),
    calls: (instance, key) =>
      (of(permission, instance).calls.get(key) ?? 0) + (of(deferred, instance).calls.get(key) ?? 0),
    deferredMissing,
  };
}
