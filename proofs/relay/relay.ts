// The relay module as a proof meets it: two module instances (A and B) of the checkout's own module,
// their exports whatever the head's shape (V0-V3 in shared/docs/target.md), and registrations that
// unregister themselves at teardown. Never hard-codes the brand.
import type { ScenarioContext } from "../../src/scenario/definition.ts";
import { capture, exportedFunction, type Instance, within } from "./capture.ts";
import { openCodexCaller } from "./codex-caller.ts";
import { optionValue } from "./command-line.ts";
import { packageNames } from "./head-files.ts";
import { provider, sessionId } from "./payloads.ts";
import type { Handle, RelayInstance } from "./relay-types.ts";

export type { Handle, RelayInstance } from "./relay-types.ts";

const clientPath = "src/agents/harness/native-hook-relay-client.ts";
const stateSymbolSuffix = ".nativeHookRelay.state";

export type Shape = "v0" | "v1" | "v2" | "v3";

const readyTimeoutMs = 10_000;
const runTtlMs = 10 * 60_000;

/** A registration as a proof uses it: the handle, the id it really got and its generation. */
export interface Registered {
  handle: Handle;
  relayId: string;
  generation: string | undefined;
  runId: string;
  /**
   * The state database the head's hook command names (`--state-db`, the split layout: its bridge
   * records live there); a bridge call passes it as the CLI does.
   */
  stateDbPath?: string;
}

export interface Relay {
  a: RelayInstance;
  b: RelayInstance;
  /** V3's separate bridge client module, when the head has one. */
  clientFile: string | undefined;
  /** Brand candidates (`daisyclaw`, ...) from the state symbol and the package, for brand-keyed fields. */
  brands(): string[];
  /** Register through `via`; the handle unregisters at teardown. A throw is returned as `error`. */
  register(
    via: RelayInstance,
    params: { relayId: string; runId: string; [key: string]: unknown },
  ): Promise<Registered | { error: string }>;
}

function testingOf(module: Instance): Record<string, unknown> | undefined {
  const value = module.testing ?? module.__testing;
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
}

async function loadInstance(ctx: ScenarioContext, name: string): Promise<Instance> {
  const loaded = await capture(() => ctx.load(name));
  if (!loaded.ok) ctx.cannotTest(`relay module failed to load: ${loaded.error}`);
  return loaded.value as Instance;
}

async function instance(ctx: ScenarioContext, name: string, clientFile: string | undefined) {
  const module = await loadInstance(ctx, name);
  const register = exportedFunction(module, "registerNativeHookRelay");
  const invoke = exportedFunction(module, "invokeNativeHookRelay");
  if (!register || !invoke) {
    const missing = ["registerNativeHookRelay", "invokeNativeHookRelay"].filter(
      (n) => !exportedFunction(module, n),
    );
    ctx.cannotTest(`relay module lacks export ${missing.join(", ")}`);
  }
  let bridge = exportedFunction(module, "invokeNativeHookRelayBridge");
  // V3 moved the bridge client into its own module: load it into the same instance (its copy of the
  // graph), as the CLI of that copy would import it.
  if (!bridge && clientFile) {
    const client = await capture(() => ctx.load(name, clientFile));
    if (client.ok) bridge = exportedFunction(client.value as Instance, "invokeNativeHookRelayBridge");
  }
  const fn = (key: string) => exportedFunction(module, key) ?? exportedFunction(testingOf(module), key);
  return { name, module, register, invoke, bridge, fn } satisfies RelayInstance;
}

/** The package's own names: its `bin` names and its name, lower-cased, as brand fallbacks. */
function stateSymbols(): symbol[] {
  return Object.getOwnPropertySymbols(globalThis).filter((symbol) =>
    (symbol.description ?? "").endsWith(stateSymbolSuffix),
  );
}

/**
 * Where the relay state lives, as observed: `global Symbol.for(...)` only for a registered symbol
 * (`Symbol.keyFor`), which every module instance shares; `per-instance Symbol(...) xN` when each
 * instance put its own unregistered symbol on globalThis (the description alone proves nothing).
 */
export function describeState(): string {
  const symbols = stateSymbols();
  const registered = symbols.filter((symbol) => Symbol.keyFor(symbol) !== undefined);
  const local = symbols.filter((symbol) => Symbol.keyFor(symbol) === undefined);
  const parts: string[] = [];
  if (registered[0]) parts.push(`global Symbol.for(${registered[0].description ?? ""})`);
  if (local[0]) parts.push(`per-instance Symbol(${local[0].description ?? ""}) x${local.length}`);
  return parts.join(" + ") || "module-local";
}

/** The API shape, from what a first registration gave back. */
export function detectShape(
  registered: Registered,
  requestedId: string,
  clientFile: string | undefined,
): Shape {
  if (registered.relayId !== requestedId) return "v0";
  if (!registered.generation) return "v1";
  return clientFile ? "v3" : "v2";
}

/**
 * `2 distinct (N modules each)`: each instance is its own copy of the checkout's modules that the relay
 * reaches (the entry alone on a one-file relay, the entry and its siblings on the split layout).
 */
export function describeInstances(a: number, b: number): string {
  return a === b ? `2 distinct (${a} modules each)` : `2 distinct (a: ${a} modules, b: ${b} modules)`;
}

/** Proofs sharing one child share its instances: the first to open them says so. */
let announced = false;

export async function openRelay(ctx: ScenarioContext): Promise<Relay> {
  const clientFile = ctx.find(clientPath);
  const a = await instance(ctx, "a", clientFile);
  const b = await instance(ctx, "b", clientFile);
  if (a.module === b.module)
    ctx.cannotTest("the two imports returned one module instance; duplicate loading failed");
  if (!announced) ctx.info("module-instances", describeInstances(ctx.modulesOf("a"), ctx.modulesOf("b")));
  announced = true;
  const brands = () => {
    const fromSymbol = stateSymbols().map((symbol) =>
      (symbol.description ?? "").slice(0, -stateSymbolSuffix.length),
    );
    const names = [...fromSymbol, ...packageNames(ctx.repoRoot)];
    return [...new Set([...names, ...names.map((name) => name.toLowerCase())])].filter(Boolean);
  };
  return {
    a,
    b,
    clientFile,
    brands,
    register: (via, params) =>
      adopt(ctx, params, () => via.register({ provider, sessionId, ttlMs: runTtlMs, ...params })),
  };
}

/** A registration's handle as a proof keeps it: unregistered at teardown, ready, its id and generation. */
async function adopt(
  ctx: ScenarioContext,
  params: { relayId: string; runId: string },
  register: () => unknown,
): Promise<Registered | { error: string }> {
  const result = await capture(register);
  if (!result.ok) return { error: result.error };
  const handle = (result.value ?? {}) as Handle;
  ctx.onTeardown(() => handle.unregister?.());
  // The split layout's handle is ready once its bridge listens and its record is in the state
  // database (a Codex run hands out its commands after that): a bridge call before it finds none.
  if (handle.ready instanceof Promise)
    await within(
      capture(() => handle.ready),
      readyTimeoutMs,
    );
  const stateDbPath = await stateDbOf(handle);
  return {
    ...(stateDbPath ? { stateDbPath } : {}),
    handle,
    relayId: typeof handle.relayId === "string" ? handle.relayId : params.relayId,
    generation: typeof handle.generation === "string" && handle.generation ? handle.generation : undefined,
    runId: params.runId,
  };
}

/** The runs of one Codex session: one relay id, each run registered the way the head's caller does. */
export interface Runs {
  relayId: string;
  /** The `caller` line: `codex-extension (...)` or `core-exports (<why>)`. */
  caller(): string;
  register(via: RelayInstance, runId: string): Promise<Registered | { error: string }>;
}

/**
 * Open the relay and register the proof's first run through A under a stable id (through the Codex
 * extension where the head has it, as a Codex run does): what the head's API shape is follows from
 * what that registration gave back. Later runs of the session (`runs.register`) go the same way.
 */
export async function openWithFirstRegistration(
  ctx: ScenarioContext,
): Promise<{ relay: Relay; first: Registered; shape: Shape; runs: Runs }> {
  const relay = await openRelay(ctx);
  const codex = await openCodexCaller(ctx);
  const session = `relay-proof-session-${Math.random().toString(36).slice(2, 10)}`;
  let viaExtension = codex.relayIdFor(session) !== undefined;
  const relayId = codex.relayIdFor(session) ?? `relay-proof-${Math.random().toString(36).slice(2, 10)}`;
  let fallback: string | undefined;
  const core = (via: RelayInstance, runId: string) => relay.register(via, { relayId, runId });
  const runs: Runs = {
    relayId,
    caller: () =>
      viaExtension ? codex.describe() : fallback ? `core-exports (${fallback})` : codex.describe(),
    register: (via, runId) =>
      viaExtension
        ? adopt(ctx, { relayId, runId }, () =>
            codex.register(via, { sessionId: session, runId, ttlMs: runTtlMs }),
          )
        : core(via, runId),
  };
  let first = await runs.register(relay.a, "relay-proof-run-1");
  if ("error" in first && viaExtension) {
    // The extension is there but cannot register: the core export, saying why.
    fallback = `createCodexNativeHookRelay threw: ${first.error}`;
    viaExtension = false;
    first = await core(relay.a, "relay-proof-run-1");
  }
  if ("error" in first) ctx.cannotTest(`registerNativeHookRelay threw: ${first.error}`);
  return { relay, first, shape: detectShape(first, relayId, relay.clientFile), runs };
}

/** The direct in-process invoke's parameters; with a generation, the generation is required. */
export function invokeParams(
  relayId: string,
  generation: string | undefined,
  event: string,
  rawPayload: unknown,
): Record<string, unknown> {
  return {
    provider,
    relayId,
    event,
    rawPayload,
    ...(generation ? { generation, requireGeneration: true } : {}),
  };
}

/** `--state-db <path>` of the handle's hook command, when the head's commands carry one. */
async function stateDbOf(handle: Handle): Promise<string | undefined> {
  const built = await capture(() => handle.commandForEvent?.("pre_tool_use"));
  if (!built.ok || typeof built.value !== "string") return undefined;
  return optionValue(built.value, "--state-db");
}

/** The bridge's parameters: it always sends the generation it was given (and the CLI's state database). */
export function bridgeParams(
  registered: Pick<Registered, "relayId" | "stateDbPath">,
  generation: string | undefined,
  event: string,
  rawPayload: unknown,
): Record<string, unknown> {
  return {
    provider,
    relayId: registered.relayId,
    event,
    rawPayload,
    generation,
    registrationTimeoutMs: 3000,
    timeoutMs: 10_000,
    ...(registered.stateDbPath ? { stateDbPath: registered.stateDbPath } : {}),
  };
}
