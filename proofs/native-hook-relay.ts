// Proof for OpenClaw issue 73723 (PRs 73950, 86340): the native hook relay must be one registry across
// module instances, and a hook command from a replaced run must fail closed with the stale error.
// Adapts to the API shapes V0-V3 described in shared/docs/target.md; never hard-codes the brand.

import { type CheckOutcome, defineProof, type ScenarioContext } from "../src/scenario/definition.ts";

const staleError = "native hook relay bridge stale registration";
const modulePath = "src/agents/harness/native-hook-relay.ts";
const clientPath = "src/agents/harness/native-hook-relay-client.ts";
const stateSymbolSuffix = ".nativeHookRelay.state";
const provider = "codex";
const event = "pre_tool_use";
const commandTimeoutMs = 60_000;

type Fn = (params: Record<string, unknown>) => unknown;
type Instance = Record<string, unknown>;
type Captured = { ok: true; value: unknown } | { ok: false; error: string };

interface Handle {
  relayId?: unknown;
  generation?: unknown;
  commandForEvent?: (event: string) => unknown;
  unregister?: () => unknown;
}

async function capture(run: () => unknown): Promise<Captured> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

function exportedFunction(instance: Instance, name: string): Fn | undefined {
  const value = instance[name];
  return typeof value === "function" ? (value as Fn) : undefined;
}

/** An invoke that answered: pass on exit code 0, otherwise the code or the error is the value. */
function invokeOutcome(result: Captured): CheckOutcome {
  if (!result.ok) return { status: "fail", value: `error:${result.error}` };
  const exitCode = (result.value as { exitCode?: unknown } | null)?.exitCode;
  if (typeof exitCode !== "number") return { status: "fail", value: "unexpected-response" };
  return { status: exitCode === 0 ? "pass" : "fail", value: String(exitCode) };
}

/** An invoke that must fail closed with the stale error: the error text is the value. */
function staleOutcome(result: Captured): CheckOutcome {
  if (result.ok) {
    const exitCode = (result.value as { exitCode?: unknown } | null)?.exitCode;
    return { status: "fail", value: `none(accepted, exit ${String(exitCode)})` };
  }
  return { status: result.error === staleError ? "pass" : "fail", value: result.error };
}

type CommandAnswer =
  | { kind: "answered"; exitCode: number }
  | { kind: "unavailable"; reason: string }
  | { kind: "did-not-run"; reason: string };

/** Heads before the direct bridge send hook commands to a gateway; none runs in a proof. */
const gatewayUnreachable = /ECONNREFUSED 127\.0\.0\.1:\d+|\bgateway\b/i;

/** Read a hook command's answer the way Codex would: the relay reports trouble on stderr and denies. */
function commandAnswer(result: {
  exitCode: number | undefined;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}): CommandAnswer {
  if (result.timedOut) return { kind: "unavailable", reason: "timed out" };
  const unavailable = /native hook relay unavailable: ([^\n]*)/.exec(result.stderr);
  if (unavailable) {
    const reason = (unavailable[1] ?? "").trim();
    if (gatewayUnreachable.test(reason)) {
      return {
        kind: "did-not-run",
        reason: `this head sends hook commands to a gateway (${reason}); no gateway runs in a proof`,
      };
    }
    return { kind: "unavailable", reason };
  }
  if (/"permissionDecision"\s*:\s*"deny"/.test(result.stdout))
    return { kind: "unavailable", reason: "denied" };
  if (result.exitCode === 0) return { kind: "answered", exitCode: 0 };
  if (/native hook relay/i.test(result.stderr)) {
    const line = result.stderr.split("\n").find((l) => /native hook relay/i.test(l)) ?? "";
    return { kind: "unavailable", reason: line.replace(/^Error:\s*/, "").trim() };
  }
  const lines = result.stderr.split("\n").filter((l) => l.trim() !== "");
  const error = lines.find((l) => /^\s*(\w*Error\b|Error \[|ERR_)/.test(l)) ?? lines[0] ?? "";
  return { kind: "did-not-run", reason: `exit ${String(result.exitCode)}: ${error.trim()}` };
}

function relativeToRoot(ctx: ScenarioContext, path: string): string {
  return path.startsWith(`${ctx.repoRoot}/`) ? path.slice(ctx.repoRoot.length + 1) : path;
}

/**
 * Where the relay state lives, as observed: `global Symbol.for(...)` only for a registered symbol
 * (`Symbol.keyFor`), which every module instance shares; `per-instance Symbol(...) xN` when each
 * instance put its own unregistered symbol on globalThis (the description alone proves nothing).
 */
function describeState(): string {
  const symbols = Object.getOwnPropertySymbols(globalThis).filter((symbol) =>
    (symbol.description ?? "").endsWith(stateSymbolSuffix),
  );
  const registered = symbols.filter((symbol) => Symbol.keyFor(symbol) !== undefined);
  const local = symbols.filter((symbol) => Symbol.keyFor(symbol) === undefined);
  const parts: string[] = [];
  if (registered[0]) parts.push(`global Symbol.for(${registered[0].description ?? ""})`);
  if (local[0]) parts.push(`per-instance Symbol(${local[0].description ?? ""}) x${local.length}`);
  return parts.join(" + ") || "module-local";
}

const codexPayload = JSON.stringify({
  hook_event_name: "PreToolUse",
  session_id: "relay-proof-session",
  tool_name: "Bash",
  tool_input: { command: "echo relay-proof" },
});

export default defineProof({
  id: "native-hook-relay",
  title: "Native hook relay: one registry across module instances; stale generations fail closed",
  behavior:
    "OpenClaw issue 73723: the native hook relay module loaded as two module instances kept two registries, " +
    "so a relay registered through one copy was `native hook relay not found` from the other, and a late hook " +
    "command from a replaced run could reach the replacement. The fix keeps relay state on one process-global " +
    "symbol and gives each registration a generation; a stale generation fails closed.",
  module: { candidates: [modulePath] },
  requiredChecks: ["duplicate-module-invoke", "stale-generation-error", "replacement-generation-invoke"],
  summaryInfo: ["api"],
  tests: [
    "src/agents/harness/native-hook-relay.test.ts",
    "src/cli/native-hook-relay-cli.test.ts",
    "src/gateway/server-methods/native-hook-relay.test.ts",
    "extensions/codex/src/app-server/native-hook-relay.test.ts",
    "extensions/codex/src/app-server/approval-bridge.test.ts",
  ],
  scenario,
});

async function loadInstance(ctx: ScenarioContext, name: string): Promise<Instance> {
  const loaded = await capture(() => ctx.load(name));
  if (!loaded.ok) ctx.cannotTest(`relay module failed to load: ${loaded.error}`);
  return loaded.value as Instance;
}

async function scenario(ctx: ScenarioContext): Promise<void> {
  const a = await loadInstance(ctx, "a");
  const b = await loadInstance(ctx, "b");
  if (a === b) ctx.cannotTest("the two imports returned one module instance; duplicate loading failed");
  ctx.info("module-instances", "2 distinct");

  const api = {
    register: (i: Instance) => exportedFunction(i, "registerNativeHookRelay"),
    invoke: (i: Instance) => exportedFunction(i, "invokeNativeHookRelay"),
  };
  const registerA = api.register(a);
  const invokeA = api.invoke(a);
  const registerB = api.register(b);
  const invokeB = api.invoke(b);
  if (!registerA || !invokeA || !registerB || !invokeB) {
    const missing = ["registerNativeHookRelay", "invokeNativeHookRelay"].filter(
      (n) => !exportedFunction(a, n),
    );
    ctx.cannotTest(`relay module lacks export ${missing.join(", ") || "registerNativeHookRelay"}`);
  }

  // V3 moved the bridge client into its own module; load it per instance as well.
  const clientFile = ctx.find(clientPath);
  const bridgeOf = async (instance: Instance, name: string): Promise<Fn | undefined> => {
    const own = exportedFunction(instance, "invokeNativeHookRelayBridge");
    if (own || !clientFile) return own;
    const client = await capture(() => ctx.load(`${name}-client`, clientFile));
    return client.ok ? exportedFunction(client.value as Instance, "invokeNativeHookRelayBridge") : undefined;
  };
  const bridgeA = await bridgeOf(a, "a");
  const bridgeB = await bridgeOf(b, "b");

  const requestedId = `relay-proof-${Math.random().toString(36).slice(2, 10)}`;
  const registerParams = (runId: string) => ({
    provider,
    relayId: requestedId,
    sessionId: "relay-proof-session",
    runId,
    ttlMs: 10 * 60_000,
  });
  const first = await capture(() => registerA(registerParams("relay-proof-run-1")));
  if (!first.ok) ctx.cannotTest(`registerNativeHookRelay threw: ${first.error}`);
  const handle1 = first.value as Handle;
  ctx.onTeardown(() => handle1.unregister?.());

  const relayId = typeof handle1.relayId === "string" ? handle1.relayId : requestedId;
  const stableIds = relayId === requestedId;
  const generation1 =
    typeof handle1.generation === "string" && handle1.generation ? handle1.generation : undefined;

  const shape = !stableIds ? "v0" : !generation1 ? "v1" : clientFile ? "v3" : "v2";
  ctx.info("api", shape);
  ctx.info("state", describeState());
  ctx.info("bridge", bridgeB ? "exported" : "absent");

  const invokeParams = (generation: string | undefined) => ({
    provider,
    relayId,
    event,
    rawPayload: JSON.parse(codexPayload) as unknown,
    ...(generation ? { generation, requireGeneration: true } : {}),
  });
  const bridgeParams = (generation: string | undefined) => ({
    ...invokeParams(generation),
    requireGeneration: undefined,
    registrationTimeoutMs: 3000,
    timeoutMs: 10_000,
  });
  // A hook command is evidence only through this checkout's own CLI at this commit: without a build
  // of it (or with a build of another commit) the command is not run at all.
  const cliRuns = ctx.cli.state === "source" || ctx.cli.state === "ready";
  ctx.info(
    "cli",
    ctx.cli.entry ? `${relativeToRoot(ctx, ctx.cli.entry)} (${ctx.cli.detail})` : ctx.cli.detail,
  );
  type RanCommand = (CommandAnswer | { kind: "none"; reason: string }) & { command?: string };
  const runCommand = async (handle: Handle): Promise<RanCommand> => {
    if (!cliRuns) return { kind: "none", reason: ctx.cli.detail };
    if (typeof handle.commandForEvent !== "function")
      return { kind: "none", reason: "handle has no commandForEvent" };
    const built = await capture(() => handle.commandForEvent?.(event));
    if (!built.ok) return { kind: "none", reason: `commandForEvent threw: ${built.error}` };
    if (typeof built.value !== "string")
      return { kind: "none", reason: "commandForEvent returned no string" };
    const result = await ctx.runShell(built.value, { input: codexPayload, timeoutMs: commandTimeoutMs });
    return { ...commandAnswer(result), command: built.value };
  };
  const ran = (answer: RanCommand) => (answer.command ? { ran: answer.command } : {});
  const commandInvoke = (answer: RanCommand): CheckOutcome => {
    if (answer.kind === "answered") return { status: "pass", value: String(answer.exitCode), ...ran(answer) };
    if (answer.kind === "unavailable")
      return { status: "fail", value: `error:${answer.reason}`, ...ran(answer) };
    return { status: "skipped", value: "skipped", detail: answer.reason };
  };
  const commandStale = (answer: RanCommand): CheckOutcome => {
    if (answer.kind === "answered")
      return { status: "fail", value: "none(accepted, exit 0)", ...ran(answer) };
    if (answer.kind === "unavailable")
      return { status: answer.reason === staleError ? "pass" : "fail", value: answer.reason, ...ran(answer) };
    return { status: "skipped", value: "skipped", detail: answer.reason };
  };
  const noBridge: CheckOutcome = {
    status: "skipped",
    value: "skipped",
    detail: "no invokeNativeHookRelayBridge export",
  };

  // Each phase starts its paths together and reports them in a fixed order: the paths are
  // independent reads, and the bridge's 250 ms stale-retry grace then costs the run once, not thrice.
  // 1. Registered through A, invoked through B.
  // The phase starts inside its first check, so a crash or hang is attributed to that step.
  const startPhase1 = () => ({
    direct: capture(() => invokeB(invokeParams(generation1))),
    bridge: bridgeB ? capture(() => bridgeB(bridgeParams(generation1))) : undefined,
    command: runCommand(handle1),
  });
  let phase1: ReturnType<typeof startPhase1> | undefined;
  await ctx.check({ key: "duplicate-module-invoke", expected: "0", required: true }, async () => {
    phase1 = startPhase1();
    return invokeOutcome(await phase1.direct);
  });
  const started = phase1 as ReturnType<typeof startPhase1> | undefined;
  if (!started) ctx.cannotTest("the first check did not start its phase");
  await ctx.check({ key: "duplicate-module-invoke.bridge", expected: "0", required: false }, async () =>
    started.bridge ? invokeOutcome(await started.bridge) : noBridge,
  );
  await ctx.check({ key: "duplicate-module-invoke.command", expected: "0", required: false }, async () =>
    commandInvoke(await started.command),
  );

  // 2. A replacement run registers the same stable id through B.
  const unsupported = (why: string): CheckOutcome => ({
    status: "unsupported",
    value: `unsupported(${why})`,
  });
  let handle2: Handle | undefined;
  let generation2: string | undefined;
  let cannotReplace: string | undefined;
  if (!stableIds) cannotReplace = `api ${shape}: relayId is ignored`;
  else if (!generation1) cannotReplace = `api ${shape}: no generations`;
  else {
    const second = await capture(() => registerB(registerParams("relay-proof-run-2")));
    if (!second.ok) ctx.cannotTest(`replacement registerNativeHookRelay threw: ${second.error}`);
    handle2 = second.value as Handle;
    const replaced = handle2;
    ctx.onTeardown(() => replaced.unregister?.());
    generation2 = typeof handle2.generation === "string" ? handle2.generation : undefined;
    if (!generation2 || generation2 === generation1) cannotReplace = "replacement kept the old generation";
  }

  // 3. The old generation must fail closed on every path; the new one must answer.
  const replacement = handle2;
  const startPhase3 = () => ({
    staleDirect: capture(() => invokeA(invokeParams(generation1))),
    staleBridge: bridgeA ? capture(() => bridgeA(bridgeParams(generation1))) : undefined,
    staleCommand: runCommand(handle1),
    newDirect: capture(() => invokeA(invokeParams(generation2))),
    newBridge: bridgeA ? capture(() => bridgeA(bridgeParams(generation2))) : undefined,
    newCommand: replacement ? runCommand(replacement) : undefined,
  });
  let phase3: ReturnType<typeof startPhase3> | undefined;
  const phaseCheck = async (
    key: string,
    expected: string,
    run: (phase: ReturnType<typeof startPhase3>) => Promise<CheckOutcome>,
  ) =>
    ctx.check({ key, expected, required: !key.includes(".") }, async () => {
      if (cannotReplace) return unsupported(cannotReplace);
      phase3 ??= startPhase3();
      return run(phase3);
    });
  await phaseCheck("stale-generation-error", staleError, async (p) => staleOutcome(await p.staleDirect));
  await phaseCheck("stale-generation-error.bridge", staleError, async (p) =>
    p.staleBridge ? staleOutcome(await p.staleBridge) : noBridge,
  );
  await phaseCheck("stale-generation-error.command", staleError, async (p) =>
    commandStale(await p.staleCommand),
  );
  await phaseCheck("replacement-generation-invoke", "0", async (p) => invokeOutcome(await p.newDirect));
  await phaseCheck("replacement-generation-invoke.bridge", "0", async (p) =>
    p.newBridge ? invokeOutcome(await p.newBridge) : noBridge,
  );
  await phaseCheck("replacement-generation-invoke.command", "0", async (p) =>
    p.newCommand ? commandInvoke(await p.newCommand) : unsupported("no replacement"),
  );
}
