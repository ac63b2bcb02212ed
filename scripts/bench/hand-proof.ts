// The hand-written proof the benchmark compares relay-proof against: what a contributor writes for a
// PR, doing the same work as relay-proof's scenario (two module instances; direct, bridge and hook
// command paths; replacement; stale and new generation). Run from the repo root:
//   node --import tsx <this file> [<module path>] [--direct-only] [--whole-graph]
// --direct-only is the PR-style script (two instances, the direct path only), issue 11's baseline;
// --whole-graph makes B a copy of the whole graph (tsx's tsImport), as the split layout needs.
import { spawn } from "node:child_process";
import { pathToFileURL } from "node:url";

type Relay = Record<string, (params: Record<string, unknown>) => unknown>;
type Handle = {
  relayId: string;
  generation: string;
  commandForEvent(event: string): string;
  unregister(): void;
};

const args = process.argv.slice(2);
const directOnly = args.includes("--direct-only");
const wholeGraph = args.includes("--whole-graph");
const modulePath = args.find((arg) => !arg.startsWith("--")) ?? "src/agents/harness/native-hook-relay.ts";
const url = pathToFileURL(`${process.cwd()}/${modulePath}`).href;
const a = (await import(`${url}?a`)) as Relay;
// --whole-graph: B is a second copy of every module the entry reaches, as a hand-written proof gets
// one with tsx's own tsImport (a fresh namespace: installed packages are copied too).
const b = (
  wholeGraph ? await (await import("tsx/esm/api")).tsImport(url, import.meta.url) : await import(`${url}?b`)
) as Relay;
const payload = { hook_event_name: "PreToolUse", tool_name: "Bash", tool_input: { command: "echo hi" } };
const base = { provider: "codex", event: "pre_tool_use", rawPayload: payload };

async function outcome(run: () => unknown): Promise<string> {
  try {
    const answer = (await run()) as { exitCode: number };
    return String(answer.exitCode);
  } catch (error) {
    return (error as Error).message;
  }
}

// Async on purpose: the bridge server lives in this process and must keep answering.
function command(handle: Handle): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", handle.commandForEvent("pre_tool_use")], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.resume();
    child.stdin.end(JSON.stringify(payload));
    child.on("close", (code) =>
      resolve(/native hook relay unavailable: (.*)/.exec(stderr)?.[1] ?? String(code)),
    );
  });
}

const first = a.registerNativeHookRelay?.({
  provider: "codex",
  relayId: "hand-proof",
  sessionId: "s",
  runId: "r1",
}) as Handle;
const direct = (relay: Relay, generation: string) =>
  relay.invokeNativeHookRelay?.({ ...base, relayId: first.relayId, generation, requireGeneration: true });
const bridge = (relay: Relay, generation: string) =>
  relay.invokeNativeHookRelayBridge?.({
    ...base,
    relayId: first.relayId,
    generation,
    registrationTimeoutMs: 3000,
    timeoutMs: 10_000,
  });

const lines: string[] = [];
lines.push(`duplicate-module-invoke=${await outcome(() => direct(b, first.generation))}`);
if (!directOnly) {
  lines.push(`duplicate-module-invoke.bridge=${await outcome(() => bridge(b, first.generation))}`);
  lines.push(`duplicate-module-invoke.command=${await command(first)}`);
}
const second = b.registerNativeHookRelay?.({
  provider: "codex",
  relayId: "hand-proof",
  sessionId: "s",
  runId: "r2",
}) as Handle;
lines.push(`stale-generation-error=${await outcome(() => direct(a, first.generation))}`);
if (!directOnly) {
  lines.push(`stale-generation-error.bridge=${await outcome(() => bridge(a, first.generation))}`);
  lines.push(`stale-generation-error.command=${await command(first)}`);
}
lines.push(`replacement-generation-invoke=${await outcome(() => direct(a, second.generation))}`);
if (!directOnly) {
  lines.push(`replacement-generation-invoke.bridge=${await outcome(() => bridge(a, second.generation))}`);
  lines.push(`replacement-generation-invoke.command=${await command(second)}`);
}
second.unregister();
for (const line of lines) console.log(`[proof] ${line}`);
process.exit(0);
