// The relay's real caller (issue 23): a Codex app-server run registers its relay through the Codex
// extension's own relay code (`createCodexNativeHookRelay`, the function `run-attempt.ts` calls, with a
// relay id stable per session), and Codex runs the hook commands of the configuration the extension
// builds (`buildCodexNativeHookRelayConfig`). Where the head has that module, the proof's runs
// register that way, each from the copy of the extension in the registering instance; elsewhere, or
// when it cannot load, through the relay module's own export, and the `caller` line says which.
// As `run-attempt.ts` does, a run's events come from `resolveCodexNativeHookRelayEvents` (app-server
// approvals off), its TTL from the extension's own budget, and a run ends through
// `scheduleCodexNativeHookRelayUnregister`, whose grace the extension's own test flush collapses so the
// run is unregistered at once (the proof's replacement sequence needs that), where the head has them.
import type { ScenarioContext } from "../../src/scenario/definition.ts";
import { capture, exportedFunction, type Fn, type Instance } from "./capture.ts";
import { relayEvents } from "./payloads.ts";
import type { Handle, RelayInstance } from "./relay-types.ts";

export const extensionPath = "extensions/codex/src/app-server/native-hook-relay.ts";
const codexEventOf: Record<string, string> = {
  pre_tool_use: "PreToolUse",
  post_tool_use: "PostToolUse",
  permission_request: "PermissionRequest",
  before_agent_finalize: "Stop",
};
const agentId = "relay-proof";

interface Extension {
  create: Fn;
  buildId: Fn;
  buildConfig: Fn;
  events: readonly string[];
  /** A run's end as run-attempt's: schedule the deferred unregister, then flush it now. */
  endRun: ((relay: object) => void) | undefined;
  /** The extension budgets a run's TTL from its timeouts (`resolveCodexNativeHookRelayTtlMs`). */
  budgetsTtl: boolean;
}

const isEvents = (value: unknown): value is readonly string[] =>
  Array.isArray(value) && value.length > 0 && value.every((e) => typeof e === "string");

/** The events a run installs: run-attempt's resolver with app-server approvals off, else the list. */
function eventsOf(module: Instance): readonly string[] {
  const resolve = exportedFunction(module, "resolveCodexNativeHookRelayEvents");
  try {
    const resolved = resolve?.({ configuredEvents: undefined, appServer: { approvalPolicy: "never" } });
    if (isEvents(resolved)) return resolved;
  } catch {
    // the list below, as heads without the resolver have it
  }
  const own = module.CODEX_NATIVE_HOOK_RELAY_EVENTS;
  return isEvents(own) ? own : relayEvents;
}

function endRunOf(module: Instance): Extension["endRun"] {
  const schedule = exportedFunction(module, "scheduleCodexNativeHookRelayUnregister");
  const flush = exportedFunction(module, "flushPendingCodexNativeHookRelayUnregistersForTests");
  if (!schedule || !flush) return undefined;
  return (relay) => {
    schedule({ relay });
    flush({});
  };
}

export interface CodexCaller {
  /** `codex-extension (...)` or `core-exports (<why>)`: the `caller` line. */
  describe(): string;
  /** The relay id a run of `sessionId` gets, when the extension derives it; else undefined. */
  relayIdFor(sessionId: string): string | undefined;
  /**
   * Register a run through `via`'s copy of the extension: its handle, with `commandForEvent` answering
   * the command of the extension's hook configuration for each event it installs. Undefined when the
   * head has no usable extension: the caller registers through the core export.
   */
  register(via: RelayInstance, params: { sessionId: string; runId: string; ttlMs: number }): Promise<unknown>;
}

async function loadExtension(ctx: ScenarioContext, instance: string): Promise<Extension | string> {
  const file = ctx.find(extensionPath);
  if (!file) return `no ${extensionPath} at this head`;
  const loaded = await capture(() => ctx.load(instance, file));
  if (!loaded.ok) return `the Codex extension's relay module failed to load: ${loaded.error}`;
  const module = loaded.value as Instance;
  const create = exportedFunction(module, "createCodexNativeHookRelay");
  const buildId = exportedFunction(module, "buildCodexNativeHookRelayId");
  const buildConfig = exportedFunction(module, "buildCodexNativeHookRelayConfig");
  const missing = [
    ["createCodexNativeHookRelay", create],
    ["buildCodexNativeHookRelayId", buildId],
    ["buildCodexNativeHookRelayConfig", buildConfig],
  ].filter(([, value]) => !value);
  if (!create || !buildId || !buildConfig)
    return `${extensionPath} lacks ${missing.map(([name]) => name).join(", ")}`;
  return {
    create,
    buildId,
    buildConfig,
    events: eventsOf(module),
    endRun: endRunOf(module),
    budgetsTtl: exportedFunction(module, "resolveCodexNativeHookRelayTtlMs") !== undefined,
  };
}

/** The hook commands of a Codex config overlay, by relay event (`hooks.PreToolUse[0].hooks[0].command`). */
export function commandsOfConfig(config: unknown): Map<string, string> {
  const commands = new Map<string, string>();
  if (typeof config !== "object" || config === null) return commands;
  for (const event of relayEvents) {
    const groups = (config as Record<string, unknown>)[`hooks.${codexEventOf[event]}`];
    const group = Array.isArray(groups) ? (groups[0] as { hooks?: unknown } | undefined) : undefined;
    const hook = Array.isArray(group?.hooks) ? (group.hooks[0] as { command?: unknown }) : undefined;
    if (typeof hook?.command === "string") commands.set(event, hook.command);
  }
  return commands;
}

/**
 * The handle as the proof uses it: the extension's commands first, the handle's own for the rest; its
 * `unregister` ends the run the extension's way when the head has one (else the handle's own).
 */
function withConfigCommands(
  handle: object,
  commands: Map<string, string>,
  endRun: Extension["endRun"],
): Handle {
  return new Proxy(handle, {
    get(target, key) {
      if (key === "commandForEvent")
        return (event: string) =>
          commands.get(event) ??
          (target as { commandForEvent?: (e: string) => unknown }).commandForEvent?.(event);
      if (key === "unregister" && endRun)
        return () => {
          try {
            endRun(target);
          } catch {
            (target as { unregister?: () => unknown }).unregister?.();
          }
        };
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Handle;
}

/**
 * The caller for a scenario: the extension loaded into instance A decides (a head without it, or
 * whose copy cannot load or lacks a function, falls back to the core exports for every run).
 */
export async function openCodexCaller(ctx: ScenarioContext): Promise<CodexCaller> {
  const first = await loadExtension(ctx, "a");
  if (typeof first === "string") {
    return {
      describe: () => `core-exports (${first})`,
      relayIdFor: () => undefined,
      register: async () => undefined,
    };
  }
  const copies = new Map<string, Extension | string>([["a", first]]);
  const installed = new Set<string>();
  return {
    describe: () => {
      const hooks = [...installed].map((e) => codexEventOf[e]).join(", ");
      const end = first.endRun ? "; runs end through scheduleCodexNativeHookRelayUnregister" : "";
      return `codex-extension (createCodexNativeHookRelay, hook commands of buildCodexNativeHookRelayConfig${hooks ? `: ${hooks}` : ""}${end})`;
    },
    relayIdFor(sessionId) {
      try {
        const id = first.buildId({ agentId, sessionId, sessionKey: undefined });
        return typeof id === "string" ? id : undefined;
      } catch {
        return undefined;
      }
    },
    async register(via, params) {
      let extension = copies.get(via.name);
      if (!extension) {
        extension = await loadExtension(ctx, via.name);
        copies.set(via.name, extension);
      }
      if (typeof extension === "string") throw new Error(extension);
      const controller = new AbortController();
      ctx.onTeardown(() => controller.abort());
      const handle = (await extension.create({
        // No explicit TTL, as a Codex run's options have none: the extension budgets it from the
        // attempt's timeouts (heads without that budget: the proof's).
        options: extension.budgetsTtl ? {} : { ttlMs: params.ttlMs },
        events: extension.events,
        agentId,
        sessionId: params.sessionId,
        sessionKey: undefined,
        config: undefined,
        runId: params.runId,
        attemptTimeoutMs: 60_000,
        startupTimeoutMs: 30_000,
        turnStartTimeoutMs: 60_000,
        signal: controller.signal,
      })) as object | undefined;
      if (!handle) throw new Error("createCodexNativeHookRelay returned no relay");
      const config = await extension.buildConfig({ relay: handle, events: extension.events });
      const commands = commandsOfConfig(config);
      for (const event of commands.keys()) installed.add(event);
      return withConfigCommands(handle, commands, extension.endRun);
    },
  };
}
