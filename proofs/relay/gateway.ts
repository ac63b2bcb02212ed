// The gateway path of the original bug report (`nativeHook.invoke ... errorMessage=native hook relay
// not found`): the checkout's own gateway method, loaded as the checkout has it, into instance B (the
// gateway's copy of the graph: it imports the relay module itself, a copy other than the one A
// registered in; a third copy would cost a whole graph more for the same evidence). Called in-process
// with a recording `respond`.
import type { CheckOutcome, ScenarioContext } from "../../src/scenario/definition.ts";
import { capture, type Instance, within } from "./capture.ts";
import { skipped, staleError } from "./outcomes.ts";
import { provider } from "./payloads.ts";

const gatewayPath = "src/gateway/server-methods/native-hook-relay.ts";
const method = "nativeHook.invoke";
const answerTimeoutMs = 10_000;

type GatewayError = { code?: unknown; message?: unknown };
export type GatewayAnswer =
  | { kind: "responded"; ok: boolean; payload: unknown; error: GatewayError | undefined }
  | { kind: "threw"; error: string }
  | { kind: "no-answer" }
  | { kind: "absent"; reason: string };

type Handler = (args: Record<string, unknown>) => unknown;

export interface Gateway {
  invoke(params: Record<string, unknown>): Promise<GatewayAnswer>;
}

/** Load the gateway method; a head without one (or whose module fails to load) answers `absent`. */
export async function openGateway(ctx: ScenarioContext): Promise<Gateway> {
  const file = ctx.find(gatewayPath);
  let handler: Handler | undefined;
  let absent = `no ${gatewayPath} at this head`;
  if (file) {
    // Into instance B: the gateway's copy of the graph, another copy than the one A registered in.
    const loaded = await capture(() => ctx.load("b", file));
    const handlers = loaded.ok ? (loaded.value as Instance).nativeHookRelayHandlers : undefined;
    const candidate = (handlers as Record<string, unknown> | undefined)?.[method];
    if (typeof candidate === "function") handler = candidate as Handler;
    else
      absent = loaded.ok
        ? `${gatewayPath} has no "${method}" handler`
        : `the gateway method failed to load: ${loaded.error}`;
  }
  let id = 0;
  return {
    async invoke(params) {
      if (!handler) return { kind: "absent", reason: absent };
      const call = handler;
      const answered = new Promise<GatewayAnswer>((resolve) => {
        const respond = (ok: unknown, payload?: unknown, error?: unknown) =>
          resolve({ kind: "responded", ok: ok === true, payload, error: error as GatewayError | undefined });
        id += 1;
        const request = { type: "req", id: `relay-proof-${id}`, method, params };
        void capture(() =>
          call({ req: request, params, client: null, isWebchatConnect: () => false, respond, context: {} }),
        ).then((result) => {
          if (!result.ok) resolve({ kind: "threw", error: result.error });
        });
      });
      return (await within(answered, answerTimeoutMs)) ?? { kind: "no-answer" };
    },
  };
}

export function gatewayParams(
  relayId: string,
  generation: string | undefined,
  event: string,
  rawPayload: unknown,
): Record<string, unknown> {
  return { provider, relayId, generation, event, rawPayload };
}

function notAnAnswer(answer: GatewayAnswer): CheckOutcome | undefined {
  if (answer.kind === "absent") return skipped(answer.reason);
  if (answer.kind === "no-answer")
    return {
      status: "cannot-test",
      value: "cannot-test(no answer)",
      detail: `the handler did not respond within ${answerTimeoutMs / 1000} s`,
    };
  if (answer.kind === "threw") return { status: "fail", value: `error:threw ${answer.error}` };
  return undefined;
}

const messageOf = (error: GatewayError | undefined) =>
  typeof error?.message === "string" ? error.message : "no error message";

/** The gateway must answer the registration's invoke: `respond(true, {exitCode: 0})`. */
export function gatewayInvoke(answer: GatewayAnswer): CheckOutcome {
  const other = notAnAnswer(answer);
  if (other || answer.kind !== "responded") return other as CheckOutcome;
  if (!answer.ok) return { status: "fail", value: `error:${messageOf(answer.error)}` };
  const exitCode = (answer.payload as { exitCode?: unknown } | null)?.exitCode;
  return typeof exitCode === "number"
    ? { status: exitCode === 0 ? "pass" : "fail", value: String(exitCode) }
    : { status: "fail", value: "unexpected-response" };
}

/** A stale generation must be refused: `respond(false, _, {code: "INVALID_REQUEST", message: <stale>})`. */
export function gatewayStale(answer: GatewayAnswer): CheckOutcome {
  const other = notAnAnswer(answer);
  if (other || answer.kind !== "responded") return other as CheckOutcome;
  if (answer.ok) {
    const exitCode = (answer.payload as { exitCode?: unknown } | null)?.exitCode;
    return { status: "fail", value: `none(accepted, exit ${String(exitCode)})` };
  }
  const message = messageOf(answer.error);
  const code = String(answer.error?.code ?? "none");
  if (message !== staleError) return { status: "fail", value: message, detail: `code ${code}` };
  if (code !== "INVALID_REQUEST") return { status: "fail", value: `${code}: ${message}` };
  return { status: "pass", value: message, detail: `code ${code}` };
}
