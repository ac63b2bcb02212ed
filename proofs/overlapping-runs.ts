// Proof for OpenClaw PRs 134346 and 128087: two live runs of one session share one relay id; each
// run's generation reaches its own run, a run's generation is stale once that run ends while the
// other still answers, and a capacity limit refuses a newcomer instead of evicting live work. On a
// head that evicts on replacement, the older live run's generation is refused: that is the bug.
import { type CheckOutcome, defineProof, type ScenarioContext } from "../src/scenario/definition.ts";
import { type Captured, capture, describe } from "./relay/capture.ts";
import { staleError, staleOutcome, unsupported } from "./relay/outcomes.ts";
import { freshId, preToolUse } from "./relay/payloads.ts";
import { detectShape, invokeParams, openRelay, type Registered } from "./relay/relay.ts";

/** More live runs than any capacity a head is known to have (8 or 32). */
const maxRuns = 40;

const answered = (result: Captured) =>
  result.ok && (result.value as { exitCode?: unknown } | null)?.exitCode === 0;

async function scenario(ctx: ScenarioContext): Promise<void> {
  const relay = await openRelay(ctx);
  const relayId = freshId("overlap");
  const runs: Registered[] = [];
  const register = async (via: typeof relay.a, n: number) => {
    const registered = await relay.register(via, { relayId, runId: `${relayId}-run-${n}` });
    return registered;
  };
  const first = await register(relay.a, 1);
  if ("error" in first) ctx.cannotTest(`registerNativeHookRelay threw: ${first.error}`);
  runs.push(first);
  const shape = detectShape(first, relayId, relay.clientFile);
  const why =
    shape === "v0" || shape === "v1"
      ? `api ${shape}: ${shape === "v0" ? "relayId is ignored" : "no generations"}`
      : undefined;
  const second = why ? undefined : await register(relay.a, 2);
  if (second && "error" in second)
    ctx.cannotTest(`the second run's registerNativeHookRelay threw: ${second.error}`);
  if (second) runs.push(second);
  // No turn_id in the payload: heads that route by turn claims would route on that instead.
  const invoke = (run: Registered) =>
    capture(() => relay.a.invoke(invokeParams(relayId, run.generation, "pre_tool_use", preToolUse())));
  const check = (key: string, expected: string, run: () => Promise<CheckOutcome>) =>
    ctx.check({ key, expected, required: true }, async () => (why ? unsupported(why) : run()));

  // Each invocation carries its own tool_use_id, so the history (where the head keeps one) shows
  // which run it reached.
  const history = relay.a.fn("getNativeHookRelayInvocationsForTests");
  const reached = (toolUseId: string): string | undefined => {
    const entries = history?.({}) as { toolUseId?: unknown; runId?: unknown }[] | undefined;
    const entry = Array.isArray(entries) ? entries.find((e) => e.toolUseId === toolUseId) : undefined;
    return typeof entry?.runId === "string" ? entry.runId : undefined;
  };
  await check("both-runs-answer", "run-1=0 run-2=0", async () => {
    const parts: string[] = [];
    let ok = true;
    for (const [index, run] of runs.entries()) {
      const toolUseId = freshId("overlap-call");
      const result = await capture(() =>
        relay.a.invoke(
          invokeParams(relayId, run.generation, "pre_tool_use", preToolUse({ tool_use_id: toolUseId })),
        ),
      );
      const landed = reached(toolUseId);
      const misrouted = landed !== undefined && landed !== run.runId;
      ok &&= answered(result) && !misrouted;
      parts.push(
        `run-${index + 1}=${answered(result) ? "0" : describe(result)}${misrouted ? ` (reached ${landed})` : ""}`,
      );
    }
    return { status: ok ? "pass" : "fail", value: parts.join(" ") };
  });
  await check("ended-run-stale", staleError, async () => {
    await capture(() => first.handle.unregister?.());
    return staleOutcome(await invoke(first));
  });
  await check("other-run-answers", "0", async () => {
    const result = await invoke(second as Registered);
    return { status: answered(result) ? "pass" : "fail", value: answered(result) ? "0" : describe(result) };
  });
  // Fill the id with live runs until the head refuses one; every earlier run must still answer.
  await check("capacity-keeps-live-runs", "refused, none evicted", async () => {
    const live: Registered[] = [second as Registered];
    for (let n = 3; n <= maxRuns + 2; n += 1) {
      const next = await register(relay.a, n);
      if ("error" in next) {
        const evicted = [];
        for (const run of live) if (!answered(await invoke(run))) evicted.push(run.runId.split("-run-")[1]);
        return evicted.length === 0
          ? {
              status: "pass",
              value: `refused run ${n} (${live.length} live), none evicted`,
              detail: next.error,
            }
          : { status: "fail", value: `refused run ${n} but evicted run ${evicted.join(", ")}` };
      }
      const oldest = live[0] as Registered;
      if (!answered(await invoke(oldest)))
        return { status: "fail", value: `run ${n} evicted live run ${oldest.runId.split("-run-")[1]}` };
      live.push(next);
    }
    return unsupported(`no capacity limit within ${maxRuns} live runs`);
  });
}

export default defineProof({
  id: "overlapping-runs",
  title: "Overlapping runs of one session: each run's generation reaches its own run until it ends",
  behavior:
    "OpenClaw PRs 134346 and 128087: a session's relay id is stable, and a new run of the session may start " +
    "while the previous one is still live. Evicting the live run on replacement refused its hook commands " +
    "(`native hook relay bridge stale registration`) while it was still working. The fix keeps several live " +
    "registrations per id, routes each invocation by its generation, makes a generation stale only once its own " +
    "run ends, and refuses a newcomer past a capacity limit rather than evicting live work.",
  module: { candidates: ["src/agents/harness/native-hook-relay.ts"] },
  claims: [
    {
      id: "both-live",
      text: "While two runs of one relay id are live, each run's generation answers.",
      evidence: ["both-runs-answer"],
    },
    {
      id: "ended-run-stale",
      text: "When one run ends its generation is stale, and the other run still answers.",
      evidence: ["ended-run-stale", "other-run-answers"],
    },
    {
      id: "capacity",
      text: "A capacity limit refuses a newcomer and never evicts live work.",
      evidence: ["capacity-keeps-live-runs"],
    },
  ],
  requiredChecks: ["both-runs-answer", "ended-run-stale", "other-run-answers", "capacity-keeps-live-runs"],
  summaryInfo: [],
  varies: [],
  tests: ["src/agents/harness/native-hook-relay.test.ts"],
  scenario,
});
