// A `before_tool_call` plugin hook, installed through the checkout's own global hook runner, so a
// PreToolUse can ask for approval the way a plugin would. The hook answers only for one probe tool,
// so other invocations running meanwhile see no hook at all; it is removed as soon as its user is done.
import type { ScenarioContext } from "../../src/scenario/definition.ts";
import { capture, exportedFunction, type Instance } from "./capture.ts";

const runnerPath = "src/plugins/hook-runner-global.ts";
const registryHelperPath = "src/plugins/hooks.test-helpers.ts";

type HookHandler = (event: unknown, ctx: unknown) => unknown;

export interface HookRunner {
  /** Install `handler` as the only `before_tool_call` hook; returns its removal. */
  install(handler: HookHandler): Promise<() => Promise<void>>;
}

/** The checkout's hook runner, or why a proof cannot install a hook at this head. */
export async function openHookRunner(ctx: ScenarioContext): Promise<HookRunner | { missing: string }> {
  const file = ctx.find(runnerPath);
  if (!file) return { missing: `no ${runnerPath}` };
  // Into instance A, the copy whose PreToolUse asks the hook (a runner kept per module copy is A's).
  const loaded = await capture(() => ctx.load("a", file));
  if (!loaded.ok) return { missing: `${runnerPath} failed to load: ${loaded.error}` };
  const module = loaded.value as Instance;
  const initialize = exportedFunction(module, "initializeGlobalHookRunner");
  const resetRunner = exportedFunction(module, "resetGlobalHookRunner");
  if (!initialize || !resetRunner)
    return { missing: `${runnerPath} lacks initializeGlobalHookRunner/resetGlobalHookRunner` };
  // The checkout's own registry builder knows its registry's shape; a minimal one otherwise.
  const helperFile = ctx.find(registryHelperPath);
  const helper = helperFile ? await capture(() => ctx.load("a", helperFile)) : undefined;
  const createRegistry = helper?.ok
    ? exportedFunction(helper.value as Instance, "createMockPluginRegistry")
    : undefined;
  return {
    async install(handler) {
      const hook = { hookName: "before_tool_call", handler, pluginId: "relay-proof" };
      const registry = createRegistry
        ? createRegistry([hook] as never)
        : { hooks: [], plugins: [], typedHooks: [{ ...hook, priority: 0, source: "relay-proof" }] };
      initialize(registry as never);
      return async () => {
        await capture(() => resetRunner({}));
      };
    },
  };
}
