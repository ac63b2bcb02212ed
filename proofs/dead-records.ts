// Proof for OpenClaw PR 128086: registering a relay prunes the bridge records of processes that are
// dead or whose expiry has passed, and keeps the records of live processes (another gateway of the
// same user): a stale record otherwise sent hook commands to a port nobody owns.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type CheckOutcome, defineProof, type ScenarioContext } from "../src/scenario/definition.ts";
import { capture, sleep } from "./relay/capture.ts";
import { cannotDrive, unsupported } from "./relay/outcomes.ts";
import { freshId } from "./relay/payloads.ts";
import { openRelay, type RelayInstance } from "./relay/relay.ts";

/** The bridge record directory: through the module's test helpers, else the one under TMPDIR. */
async function recordDir(instance: RelayInstance, relayId: string): Promise<string | undefined> {
  const dir = instance.fn("getNativeHookRelayBridgeDirForTests");
  if (dir) return (dir({}) as string | undefined) ?? undefined;
  const path = instance.fn("getNativeHookRelayBridgeRegistryPathForTests");
  if (path) return dirname(String(path(relayId as never)));
  for (let i = 0; i < 100; i += 1) {
    const found = readdirSync(tmpdir()).find((name) => /-native-hook-relays-/.test(name));
    if (found) return join(tmpdir(), found);
    await sleep(10);
  }
  return undefined;
}

/** A pid that is certainly dead: a process that already exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn("true", [], { stdio: "ignore" });
    child.on("exit", () => resolve(child.pid as number));
  });
}

const keys = ["dead-pid-record-pruned", "expired-record-pruned", "live-record-kept"];

async function scenario(ctx: ScenarioContext): Promise<void> {
  const relay = await openRelay(ctx);
  const every = async (outcome: CheckOutcome) => {
    for (const key of keys) await ctx.check({ key, expected: "", required: true }, async () => outcome);
  };
  if (!relay.a.bridge) return every(unsupported("no bridge at this head"));
  const probe = freshId("records-probe");
  const registered = await relay.register(relay.a, { relayId: probe, runId: `${probe}-run` });
  if ("error" in registered) ctx.cannotTest(`registerNativeHookRelay threw: ${registered.error}`);
  // The split layout keeps bridge records in the state database; its file helpers throw ("retired").
  const found = await capture(() => recordDir(relay.a, probe));
  if (!found.ok)
    return every(cannotDrive(`no bridge record files at this head to plant records in: ${found.error}`));
  const dir = found.value as string | undefined;
  if (!dir) ctx.cannotTest("no bridge record directory was found");
  mkdirSync(dir, { recursive: true });
  // A live process of another "gateway": a child that sleeps until teardown.
  const live = spawn("sleep", ["600"], { stdio: "ignore" });
  ctx.onTeardown(() => live.kill("SIGKILL"));
  const now = Date.now();
  const record = (name: string, pid: number, expiresAtMs: number) => {
    const file = join(dir, `relay-proof-${name}-${freshId("record")}.json`);
    const relayId = freshId(`foreign-${name}`);
    writeFileSync(
      file,
      `${JSON.stringify({ version: 1, relayId, pid, hostname: "127.0.0.1", port: 9, token: "relay-proof", expiresAtMs })}\n`,
    );
    ctx.onTeardown(() => rmSync(file, { force: true }));
    return file;
  };
  const files = {
    dead: record("dead", await deadPid(), now + 3_600_000),
    expired: record("expired", live.pid as number, now - 60_000),
    live: record("live", live.pid as number, now + 3_600_000),
  };
  // Registering is when a head prunes.
  const trigger = freshId("records-trigger");
  const again = await relay.register(relay.a, { relayId: trigger, runId: `${trigger}-run` });
  if ("error" in again) ctx.cannotTest(`registerNativeHookRelay threw: ${again.error}`);
  const pruned = (file: string) =>
    existsSync(file)
      ? { status: "fail" as const, value: "kept" }
      : { status: "pass" as const, value: "pruned" };
  await ctx.check({ key: "dead-pid-record-pruned", expected: "pruned", required: true }, async () =>
    pruned(files.dead),
  );
  await ctx.check({ key: "expired-record-pruned", expected: "pruned", required: true }, async () =>
    pruned(files.expired),
  );
  await ctx.check({ key: "live-record-kept", expected: "kept", required: true }, async () =>
    existsSync(files.live) ? { status: "pass", value: "kept" } : { status: "fail", value: "pruned" },
  );
}

export default defineProof({
  id: "dead-records",
  title: "Bridge records of dead processes are pruned; a live process's record is kept",
  behavior:
    "OpenClaw PR 128086: bridge records live in one directory per OS user, shared by every gateway of that user. " +
    "Records of processes that died, or whose expiry passed, must be pruned when a relay registers, or a hook " +
    "command follows them to a port nobody owns; a record of another live process must be kept.",
  module: { candidates: ["src/agents/harness/native-hook-relay.ts"] },
  claims: [
    {
      id: "prunes-dead",
      text: "Registering prunes the records of dead processes and of expired registrations.",
      evidence: ["dead-pid-record-pruned", "expired-record-pruned"],
    },
    { id: "keeps-live", text: "A live process's unexpired record is kept.", evidence: ["live-record-kept"] },
  ],
  requiredChecks: ["dead-pid-record-pruned", "expired-record-pruned", "live-record-kept"],
  summaryInfo: [],
  varies: [],
  tests: ["src/agents/harness/native-hook-relay.test.ts"],
  scenario,
});
