// The head's own gateway server (issue 23): started in the scenario child from instance B (its
// `nativeHook.invoke` is B's copy of the relay), with the repo's own start function
// (`startGatewayServer(port, options)`, as its websocket e2e tests start it): loopback only, a fresh
// random token, the private HOME's state dir and a private config (no channels, no plugins, no control UI). Hook commands
// get its URL and token in the environment variables the head's gateway client reads, so a command the
// head routes to a gateway reaches `nativeHook.invoke` for real. Stopped at teardown; a killed child
// takes its port with it, and the state dir lives in the child's private TMPDIR.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { ScenarioContext } from "../../src/scenario/definition.ts";
import { capture, exportedFunction, type Instance, within } from "./capture.ts";
import type { HeadConfig } from "./head-files.ts";
import { provider, relayEvents } from "./payloads.ts";

const serverPath = "src/gateway/server.ts";
const startTimeoutMs = 120_000;
const clientPath = "src/gateway/call.ts";
const firstAnswerTimeoutMs = 120_000;
const closeTimeoutMs = 5_000;
/** The switches the repo's own gateway test harness sets: nothing but the gateway starts. */
const skips = ["CHANNELS", "PROVIDERS", "GMAIL_WATCHER", "CRON", "BROWSER_CONTROL_SERVER", "CANVAS_HOST"];

export type GatewayServerState =
  | { kind: "running"; url: string; startMs: number }
  | { kind: "absent"; reason: string }
  | { kind: "failed"; reason: string };

export interface GatewayServer {
  /** Settles once the server listens, or could not start. */
  ready: Promise<GatewayServerState>;
  /** The variables a hook command gets: the server's URL and token, under the head's own names. */
  env: Record<string, string>;
}

/** `running(loopback, token, <ms> to start)`, or why not. */
export function describeGatewayServer(state: GatewayServerState): string {
  if (state.kind === "running") return `running(loopback, token, ${Math.round(state.startMs)} ms to start)`;
  return `${state.kind === "absent" ? "absent" : "not-started"}(${state.reason})`;
}

/** A loopback port nothing listens on at this moment (the OS's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

type Closable = { close?: (...args: unknown[]) => unknown };

/**
 * Where the head's in-process gateway calls go when nothing names a gateway: a loopback port of this
 * run's on which nothing listens, never the user's own gateway at the head's default port (18789). A
 * head from before PR 86340 sends its Codex approval requests to its gateway from the process
 * (`plugin.approval.request`), which on a developer's machine would otherwise reach their running
 * gateway. Hook commands still reach the proof's own server by the URL they are given (a URL
 * outranks the port). A port the user passed on (`--pass-env <PREFIX>_GATEWAY_PORT`) stays theirs.
 * Call before any of the head's code loads.
 */
export async function keepGatewayCallsPrivate(config: Pick<HeadConfig, "prefix">): Promise<void> {
  const variable = `${config.prefix}_GATEWAY_PORT`;
  if (process.env[variable]) return;
  process.env[variable] = String(await freePort());
}

/** Start the head's gateway server from instance B; never throws (a failure is a state). */
export function startGatewayServer(ctx: ScenarioContext, config: HeadConfig): GatewayServer {
  const { prefix } = config;
  const token = randomBytes(24).toString("base64url");
  ctx.redact(token);
  const env: Record<string, string> = { [`${prefix}_GATEWAY_TOKEN`]: token };
  // Only hook commands reach it: where none can run, starting it would only cost time.
  if (ctx.cli.state !== "source" && ctx.cli.state !== "ready")
    return {
      env,
      ready: Promise.resolve({ kind: "absent", reason: "no hook command can run at this head" }),
    };
  const file = ctx.find(serverPath);
  if (!file)
    return { env, ready: Promise.resolve({ kind: "absent", reason: `no ${serverPath} at this head` }) };
  // The state dir is the private HOME's (the child's own, removed with it); the private config
  // (head-files.ts) loads no plugins, and no bundled plugin loads from the head's extensions/ (an
  // older head installs a bundled provider's runtime deps with npm as its gateway starts, minutes
  // on a fresh machine, into the build's checkout). Set in the child's environment before any hook
  // command starts, so every command sees the same, as the repo's gateway harness sets them.
  config.merge({ plugins: { enabled: false } });
  for (const skip of skips) process.env[`${prefix}_SKIP_${skip}`] = "1";
  process.env[`${prefix}_DISABLE_BUNDLED_PLUGINS`] = "1";
  const noBundledPlugins = join(ctx.tmpDir, "no-bundled-plugins");
  mkdirSync(noBundledPlugins, { recursive: true });
  process.env[`${prefix}_BUNDLED_PLUGINS_DIR`] = noBundledPlugins;
  const ready = (async (): Promise<GatewayServerState> => {
    const port = await freePort();
    const url = `ws://127.0.0.1:${port}`;
    env[`${prefix}_GATEWAY_URL`] = url;
    const started = performance.now();
    const loaded = await capture(() => ctx.load("b", file));
    if (!loaded.ok) return { kind: "failed", reason: `${serverPath} failed to load: ${loaded.error}` };
    const start = exportedFunction(loaded.value as Instance, "startGatewayServer");
    if (!start) return { kind: "failed", reason: `${serverPath} has no startGatewayServer export` };
    const call = capture(() =>
      (start as unknown as (port: number, options: unknown) => unknown)(port, {
        auth: { mode: "token", token },
        bind: "loopback",
        controlUiEnabled: false,
      }),
    );
    // Stopped at teardown, also when it finishes starting after the scenario gave up on it.
    ctx.onTeardown(async () => {
      const result = await within(call, closeTimeoutMs);
      const server = result?.ok ? (result.value as Closable | undefined) : undefined;
      if (typeof server?.close === "function")
        await within(
          capture(() => server.close?.()),
          closeTimeoutMs,
        );
    });
    const result = await within(call, startTimeoutMs);
    if (!result) return { kind: "failed", reason: `did not start within ${startTimeoutMs / 1000} s` };
    if (!result.ok) return { kind: "failed", reason: `startGatewayServer threw: ${result.error}` };
    await firstAnswer(ctx, url, token);
    return { kind: "running", url, startMs: performance.now() - started };
  })().catch((error: unknown) => ({
    kind: "failed" as const,
    reason: error instanceof Error ? error.message : String(error),
  }));
  return { env, ready };
}

/**
 * A gateway loads its method handlers on the first call: from source on a loaded 2-core machine the
 * first `nativeHook.invoke` took 14 s (KovaLab before the direct bridge), past the 5 s a head's hook
 * command gives its gateway call, so that command timed out on a gateway that was only cold (a
 * running gateway in production has long been warm). One call through the head's own gateway client
 * (from B, an unknown relay id: `native hook relay not found`, no relay state touched) before any
 * command is sent; best effort, and counted in the gateway's start time.
 */
async function firstAnswer(ctx: ScenarioContext, url: string, token: string): Promise<void> {
  const file = ctx.find(clientPath);
  if (!file) return;
  const loaded = await capture(() => ctx.load("b", file));
  const call = loaded.ok ? exportedFunction(loaded.value as Instance, "callGateway") : undefined;
  if (!call) return;
  await within(
    capture(() =>
      call({
        url,
        token,
        method: "nativeHook.invoke",
        params: {
          provider,
          relayId: "relay-proof-gateway-first-call",
          event: relayEvents[0],
          rawPayload: {},
        },
        timeoutMs: firstAnswerTimeoutMs,
        scopes: ["operator.admin"],
      }),
    ),
    firstAnswerTimeoutMs + closeTimeoutMs,
  );
}
