// The hook command path: the shell line a registration hands to Codex, run through the checkout's own
// CLI with the payload on stdin, read back the way Codex reads it. A command that times out is not an
// answer: its line cannot test, and says where the time went (CLI start-up, or waiting on the relay).
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { Socket } from "node:net";
import type { CheckOutcome, ScenarioContext } from "../../src/scenario/definition.ts";
import { capture } from "./capture.ts";
import { optionValue, withoutOption } from "./command-line.ts";
import { describeGatewayServer, type GatewayServer, type GatewayServerState } from "./gateway-server.ts";
import { staleError } from "./outcomes.ts";
import type { Handle } from "./relay.ts";

export const hookEvent = "pre_tool_use";

/** The first hook command on a fresh machine may compile the CLI's plugins (64-79 s measured). */
const firstCommandTimeoutMs = 150_000;
const commandTimeoutMs = 60_000;

type Answer =
  | { kind: "answered"; exitCode: number }
  | { kind: "unavailable"; reason: string; denied: boolean; exitCode: number | undefined }
  | { kind: "timed-out"; where: string }
  | { kind: "did-not-run"; reason: string }
  /** The run was asked to build the CLI (or run it from source) and could not: no command to run. */
  | { kind: "no-cli"; reason: string };

export type RanCommand = (Answer | { kind: "none"; reason: string }) & {
  command?: string;
  /** The generation of the registration that built the command, when it has one. */
  generation?: string;
  durationMs?: number;
  /** When the first bridge request reached a relay server of this process, after the command started. */
  firstRequestMs?: number;
  /** A command without `--generation` (routed to a gateway by the heads that can): the gateway server's state. */
  gateway?: GatewayServerState;
};

/** Heads before the direct bridge send hook commands to a gateway: its trouble, not the relay's answer. */
const gatewayUnreachable = /ECONNREFUSED 127\.0\.0\.1:\d+|\bgateway\b/i;
/** The relay's own errors: an answer, whichever path (the gateway's included) carried it. */
const relayError =
  /native hook relay (not found|expired|bridge stale registration|generation is required|event not allowed|bridge not found)|unsupported native hook relay/;
const denied = (stdout: string) => /"permissionDecision"\s*:\s*"deny"|"behavior"\s*:\s*"deny"/.test(stdout);

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Read a hook command's answer the way Codex would: the relay reports trouble on stderr and denies. */
function answerOf(result: {
  exitCode: number | undefined;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}): Answer {
  const unavailable = /native hook relay unavailable: ([^\n]*)/.exec(result.stderr);
  if (unavailable) {
    const reason = (unavailable[1] ?? "").trim();
    return { kind: "unavailable", reason, denied: denied(result.stdout), exitCode: result.exitCode };
  }
  if (denied(result.stdout))
    return { kind: "unavailable", reason: "denied", denied: true, exitCode: result.exitCode };
  if (result.exitCode === 0) return { kind: "answered", exitCode: 0 };
  if (/native hook relay/i.test(result.stderr)) {
    const line = result.stderr.split("\n").find((l) => /native hook relay/i.test(l)) ?? "";
    const reason = line.replace(/^Error:\s*/, "").trim();
    return { kind: "unavailable", reason, denied: false, exitCode: result.exitCode };
  }
  const lines = result.stderr.split("\n").filter((l) => l.trim() !== "");
  const error = lines.find((l) => /^\s*(\w*Error\b|Error \[|ERR_|error:)/i.test(l)) ?? lines[0] ?? "";
  return { kind: "did-not-run", reason: `exit ${String(result.exitCode)}: ${error.trim()}` };
}

/**
 * Runs hook commands for one scenario. It watches the HTTP requests that reach a server of this
 * process from another process (`http.server.request.start`, minus this process's own client sockets),
 * so a command that times out can say whether it ever got past its CLI's start-up to the relay. When
 * commands overlap, an arrival cannot be told apart by command, so each says only what it can.
 */
export function hookCommands(ctx: ScenarioContext, payload: string, gateway?: GatewayServer) {
  const arrivals: number[] = [];
  const ownSockets = new Set<Socket>();
  const onClientSocket = (message: unknown) => {
    const socket = (message as { socket?: Socket }).socket;
    if (!socket) return;
    ownSockets.add(socket);
    socket.once("close", () => ownSockets.delete(socket));
  };
  const onRequest = (message: unknown) => {
    const port = (message as { request?: { socket?: Socket } }).request?.socket?.remotePort;
    if ([...ownSockets].some((socket) => socket.localPort === port)) return;
    arrivals.push(performance.now());
  };
  subscribe("net.client.socket", onClientSocket);
  subscribe("http.server.request.start", onRequest);
  ctx.onTeardown(() => {
    unsubscribe("net.client.socket", onClientSocket);
    unsubscribe("http.server.request.start", onRequest);
  });
  const usable = ctx.cli.state === "source" || ctx.cli.state === "ready";
  const inFlight = new Set<{ overlapped: boolean }>();

  /** Build the command a handle hands to Codex for `event` (optionally rewritten), then run it. */
  async function run(
    handle: Handle | undefined,
    options: {
      first?: boolean;
      event?: string;
      input?: string;
      rewrite?: (command: string) => string;
      /** The check the command evidences, for the run's timeline (`command <label>`). */
      label?: string;
    },
  ): Promise<RanCommand> {
    // A hook command is evidence only through this checkout's own CLI at this commit.
    if (!usable) return { kind: ctx.cli.state === "failed" ? "no-cli" : "none", reason: ctx.cli.detail };
    if (typeof handle?.commandForEvent !== "function")
      return { kind: "none", reason: "handle has no commandForEvent" };
    const built = await capture(() => handle.commandForEvent?.(options.event ?? hookEvent));
    if (!built.ok) return { kind: "none", reason: `commandForEvent threw: ${built.error}` };
    if (typeof built.value !== "string")
      return { kind: "none", reason: "commandForEvent returned no string" };
    const command = options.rewrite ? options.rewrite(built.value) : built.value;
    // A command without a generation may go to a gateway (pre-bridge heads, legacy commands): it runs
    // once the head's gateway server listens (or could not start), with its URL and token.
    const gatewayState =
      gateway && optionValue(command, "--generation") === undefined ? await gateway.ready : undefined;
    const self = { overlapped: inFlight.size > 0 };
    for (const other of inFlight) other.overlapped = true;
    inFlight.add(self);
    const started = performance.now();
    const timeoutMs = ctx.commandTimeoutMs ?? (options.first ? firstCommandTimeoutMs : commandTimeoutMs);
    const result = await ctx.time(`command ${options.label ?? options.event ?? hookEvent}`, () =>
      ctx.runShell(command, {
        input: options.input ?? payload,
        timeoutMs,
        ...(gateway ? { env: gateway.env } : {}),
      }),
    );
    inFlight.delete(self);
    const durationMs = performance.now() - started;
    const first = arrivals.find((at) => at >= started && at <= started + durationMs);
    const firstRequestMs = first === undefined || self.overlapped ? undefined : first - started;
    const where =
      first === undefined
        ? `in CLI start-up: no request reached the relay in ${seconds(durationMs)}`
        : self.overlapped
          ? `with other commands in flight: a hook command's request reached the relay after ${seconds(first - started)}`
          : `waiting on the relay: its request reached the relay after ${seconds(first - started)}`;
    const answer: Answer = result.timedOut ? { kind: "timed-out", where } : answerOf(result);
    const generation =
      typeof handle.generation === "string" && handle.generation ? handle.generation : undefined;
    return {
      ...answer,
      command,
      durationMs,
      firstRequestMs,
      ...(generation ? { generation } : {}),
      ...(gatewayState ? { gateway: gatewayState } : {}),
    };
  }
  return { run, usable };
}

/** Drop `--generation <g>` from a command line: a command written before generations existed. */
export function withoutGeneration(command: string): string {
  return withoutOption(command, "--generation");
}

function ranOf(answer: RanCommand): Pick<CheckOutcome, "ran" | "detail"> {
  const timing =
    answer.durationMs === undefined
      ? undefined
      : `ran ${seconds(answer.durationMs)}${answer.firstRequestMs === undefined ? "" : `, first relay request after ${seconds(answer.firstRequestMs)}`}`;
  return { ...(answer.command ? { ran: answer.command } : {}), ...(timing ? { detail: timing } : {}) };
}

/** Shared by every command check: the kinds that are not evidence either way. */
function notAnAnswer(answer: RanCommand): CheckOutcome | undefined {
  if (answer.kind === "timed-out") {
    return {
      status: "cannot-test",
      value: `cannot-test(timed out ${answer.where.split(":")[0] ?? ""})`,
      ...ranOf(answer),
      detail: `timed out after ${seconds(answer.durationMs ?? 0)} ${answer.where}`,
    };
  }
  if (answer.kind === "none") return { status: "skipped", value: "skipped", detail: answer.reason };
  // The user asked for the command path (--build) and the CLI could not be made: not tested, never a
  // pass by omission (a bisect step is 125 there, as git bisect expects of a commit that cannot build).
  if (answer.kind === "no-cli")
    return { status: "cannot-test", value: "cannot-test(no CLI: its build failed)", detail: answer.reason };
  if (answer.kind === "did-not-run") return { status: "skipped", value: "skipped", detail: answer.reason };
  if (
    answer.kind === "unavailable" &&
    gatewayUnreachable.test(answer.reason) &&
    !relayError.test(answer.reason)
  ) {
    // A head whose registrations carry generations has a direct bridge for its commands: one whose
    // command line lost its generation and went to a gateway is PR 86340's third point undone, not a
    // design. A command that carries its generation and still went to a gateway (the head's CLI falls
    // back when no bridge answers) is only gateway trouble when that gateway gave no answer: KovaLab's
    // HEAD on a loaded machine, `gateway timeout after 5000ms`.
    if (answer.generation && optionValue(answer.command ?? "", "--generation") === undefined)
      return {
        status: "fail",
        value: `gateway-routed(${answer.reason})`,
        ...ranOf(answer),
        detail: "a command of a registration with a generation went to the gateway, not the direct bridge",
      };
    return gatewayTrouble(answer);
  }
  return undefined;
}

/**
 * A command the head sent to a gateway that gave no relay answer: the head's gateway server did not
 * start (or none was started), or the command did not get through to it. Not evidence either way.
 */
function gatewayTrouble(answer: RanCommand & { kind: "unavailable" }): CheckOutcome {
  const state = answer.gateway;
  const why =
    state === undefined
      ? "no gateway server was started for it"
      : state.kind === "running"
        ? `the gateway server runs but the command did not get through: ${answer.reason}`
        : `gateway-server=${describeGatewayServer(state)}`;
  return {
    status: "cannot-test",
    value: `cannot-test(${why})`,
    ...ranOf(answer),
    detail: `this head sends the command to a gateway (${answer.reason})`,
  };
}

/** A command that must reach its relay and answer. */
export function commandInvoke(answer: RanCommand): CheckOutcome {
  const other = notAnAnswer(answer);
  if (other) return other;
  if (answer.kind === "answered") return { status: "pass", value: String(answer.exitCode), ...ranOf(answer) };
  const reason = answer.kind === "unavailable" ? answer.reason : "";
  return { status: "fail", value: `error:${reason}`, ...ranOf(answer) };
}

/** A command from a replaced run: it must fail closed with the stale error. */
export function commandStale(answer: RanCommand): CheckOutcome {
  const other = notAnAnswer(answer);
  if (other) return other;
  if (answer.kind === "answered")
    return { status: "fail", value: "none(accepted, exit 0)", ...ranOf(answer) };
  const reason = answer.kind === "unavailable" ? answer.reason : "";
  return { status: reason === staleError ? "pass" : "fail", value: reason, ...ranOf(answer) };
}

/**
 * A command written before the upgrade (no `--generation`), for a PermissionRequest: it must fail
 * through the normal unavailable path (the relay's reason on stderr, a deny on stdout, the CLI's
 * usual exit: the stale command's), never reach the relay as if current, never crash on parsing.
 */
export function commandLegacy(answer: RanCommand, stale: RanCommand | undefined): CheckOutcome {
  if (answer.kind === "timed-out" || answer.kind === "none" || answer.kind === "no-cli")
    return notAnAnswer(answer) as CheckOutcome;
  // A crash is the missing --generation's only when the same CLI ran the stale command (with one).
  const staleRan = stale?.kind === "unavailable" || stale?.kind === "answered";
  if (answer.kind === "did-not-run" && !staleRan)
    return { status: "skipped", value: "skipped", detail: `the CLI does not run at all: ${answer.reason}` };
  if (answer.kind === "did-not-run")
    return { status: "fail", value: `crashed(${answer.reason})`, ...ranOf(answer) };
  // Turned away by a gateway that is not there: the unavailable path ran, but not the relay's.
  if (
    answer.kind === "unavailable" &&
    answer.gateway !== undefined &&
    answer.gateway.kind !== "running" &&
    !relayError.test(answer.reason)
  )
    return gatewayTrouble(answer);
  const usualExit = stale?.kind === "unavailable" ? stale.exitCode : undefined;
  if (answer.kind === "answered")
    return { status: "fail", value: "none(accepted, exit 0)", ...ranOf(answer) };
  const exit = answer.exitCode ?? -1;
  const value = `unavailable(${answer.denied ? "deny" : "no decision"}, exit ${exit})`;
  const usual = usualExit === undefined || usualExit === exit;
  const timing = ranOf(answer);
  return {
    status: answer.denied && usual ? "pass" : "fail",
    value: usual ? value : `${value}; a stale command exits ${usualExit}`,
    ...timing,
    detail: [`unavailable: ${answer.reason}`, timing.detail].filter(Boolean).join("; "),
  };
}
