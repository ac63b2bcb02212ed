// Claim (PR 86340, "Require matching generations for ... the Codex app-server approval bridge's
// in-process relay invocation"): the Codex extension's approval bridge, loaded from instance B,
// answers an app-server command approval for a registration made through A by calling the relay in
// process with the registration's generation, generation required: a replaced run's generation is
// blocked with the stale error, the replacement's reaches the relay and answers.
import type { CheckOutcome, ScenarioContext } from "../../src/scenario/definition.ts";
import { capture, exportedFunction, type Fn, type Instance, within } from "./capture.ts";
import { historyHas } from "./census/invocation-history.ts";
import { absent, staleError } from "./outcomes.ts";
import { freshId, relayEvents, sessionId } from "./payloads.ts";
import type { Registered, Relay } from "./relay.ts";

const bridgePath = "extensions/codex/src/app-server/approval-bridge.ts";
const noBridge = `no ${bridgePath} at this head`;
const handlerName = "handleCodexAppServerApprovalRequest";
const method = "item/commandExecution/requestApproval";
const answerTimeoutMs = 15_000;

type Answer =
  | { kind: "resolved"; status: string; message: string; invoked: boolean }
  | { kind: "threw"; error: string }
  | { kind: "no-answer" };

export interface ApprovalBridge {
  /** Why there is no approval bridge to drive at this head, or undefined. */
  absent: string | undefined;
  ask(registered: Registered): Promise<Answer>;
}

/** The extension's approval bridge from instance B's copy of the graph. */
export async function openApprovalBridge(ctx: ScenarioContext, relay: Relay): Promise<ApprovalBridge> {
  const file = ctx.find(bridgePath);
  let handler: Fn | undefined;
  let why: string | undefined = noBridge;
  if (file) {
    const loaded = await capture(() => ctx.load("b", file));
    handler = loaded.ok ? exportedFunction(loaded.value as Instance, handlerName) : undefined;
    why = handler
      ? undefined
      : loaded.ok
        ? `${bridgePath} has no ${handlerName} export`
        : `the approval bridge failed to load: ${loaded.error}`;
  }
  return {
    absent: why,
    async ask(registered) {
      if (!handler) return { kind: "no-answer" };
      const call = handler;
      const threadId = freshId("thread");
      const turnId = freshId("turn");
      const itemId = freshId("approval-item");
      const events: Record<string, unknown>[] = [];
      const requestParams = {
        threadId,
        turnId,
        itemId,
        command: "echo relay-proof approval bridge",
        cwd: "/relay-proof/workspace",
      };
      const answered = capture(() =>
        call({
          method,
          requestParams,
          paramsForRun: {
            sessionId,
            runId: registered.runId,
            workspaceDir: "/relay-proof/workspace",
            onAgentEvent: (event: { stream?: unknown; data?: unknown }) => {
              if (event?.stream === "approval" && event.data && typeof event.data === "object")
                events.push(event.data as Record<string, unknown>);
            },
          },
          threadId,
          turnId,
          nativeHookRelay: {
            relayId: registered.relayId,
            generation: registered.generation,
            allowedEvents: relayEvents,
          },
          // Past the relay's policy nothing else may decide: no plugin approval, no gateway, no model.
          autoApprove: true,
        } as never),
      );
      const result = await within(answered, answerTimeoutMs);
      if (!result) return { kind: "no-answer" };
      if (!result.ok) return { kind: "threw", error: result.error };
      const resolved = events.filter((event) => event.phase === "resolved").at(-1);
      const seen = await capture(() => historyHas(relay.a, registered.relayId, itemId));
      const invoked = seen.ok && seen.value === true;
      return {
        kind: "resolved",
        status: typeof resolved?.status === "string" ? resolved.status : "none",
        message: typeof resolved?.message === "string" ? resolved.message : "",
        invoked,
      };
    },
  };
}

function notAnswered(answer: Answer): CheckOutcome | undefined {
  if (answer.kind === "no-answer")
    return {
      status: "cannot-test",
      value: "cannot-test(no answer)",
      detail: `no answer in ${answerTimeoutMs} ms`,
    };
  if (answer.kind === "threw") return { status: "fail", value: `error:${answer.error}` };
  return undefined;
}

/** A replaced run's approval: blocked, and blocked for the stale generation. */
export function approvalStale(bridge: ApprovalBridge, answer: Answer): CheckOutcome {
  if (bridge.absent) return absent(bridge.absent);
  const other = notAnswered(answer);
  if (other || answer.kind !== "resolved") return other as CheckOutcome;
  if (answer.status !== "denied")
    return { status: "fail", value: `none(${answer.status})`, detail: answer.message };
  return answer.message.endsWith(staleError)
    ? { status: "pass", value: staleError, detail: answer.message }
    : { status: "fail", value: `blocked(${answer.message})` };
}

/** The replacement's approval: the relay was asked (its history has the call) and did not block it. */
export function approvalAnswers(bridge: ApprovalBridge, answer: Answer): CheckOutcome {
  if (bridge.absent) return absent(bridge.absent);
  const other = notAnswered(answer);
  if (other || answer.kind !== "resolved") return other as CheckOutcome;
  if (answer.status === "denied") return { status: "fail", value: `blocked(${answer.message})` };
  if (!answer.invoked)
    return {
      status: "fail",
      value: `none(${answer.status} without the relay: no pre_tool_use in its history)`,
    };
  return { status: "pass", value: "0", detail: `${answer.status}: ${answer.message}` };
}

export async function checkApprovalBridge(
  ctx: ScenarioContext,
  relay: Relay,
  stale: Registered,
  replacement: Registered | undefined,
): Promise<void> {
  const replaced = replacement && stale.generation && replacement.generation !== stale.generation;
  // Without generations both lines are absent whatever the bridge does: its graph is not imported
  // (on a real head before generations, 3.5 s of each run).
  const bridge: ApprovalBridge = replaced
    ? await openApprovalBridge(ctx, relay)
    : {
        absent: ctx.find(bridgePath) ? "no replacement with a new generation at this head" : noBridge,
        ask: async () => ({ kind: "no-answer" }),
      };
  const staleAnswer = replaced ? bridge.ask(stale) : Promise.resolve<Answer>({ kind: "no-answer" });
  const newAnswer = replaced ? bridge.ask(replacement) : undefined;
  await ctx.check(
    { key: "stale-generation-error.approval-bridge", expected: staleError, required: false },
    async () => approvalStale(bridge, await staleAnswer),
  );
  await ctx.check(
    { key: "replacement-generation-invoke.approval-bridge", expected: "0", required: false },
    async () =>
      newAnswer
        ? approvalAnswers(bridge, await newAnswer)
        : absent("no replacement registration at this head"),
  );
}
