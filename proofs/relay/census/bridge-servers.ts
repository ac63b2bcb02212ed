// Bridge servers: one loopback server per relay id, kept in the shared state. When B registers the id
// A's relay holds, B's copy of the state must find A's server: a head that evicts on replacement closes
// it (B's copy reached it), a head where runs coexist keeps that one listener for both (the split
// layout's design) instead of starting a second. Per-instance bridge maps leave A's server listening
// beside B's registration, or start B its own. No clock is moved and no TTL waited on: the split
// layout expires actively, in the registering module, where B's copy never meets the expiry.
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { capture, sleep } from "../capture.ts";
import { invokeOutcome } from "../outcomes.ts";
import { freshId, preToolUse } from "../payloads.ts";
import type { Registered, RelayInstance } from "../relay.ts";
import { absent, cannotDrive, no, type Piece, unreachable, yes } from "./piece.ts";

/** How long to wait for a bridge record, and for A's server to close (closing may wait for pending work). */
const recordWaitMs = 5000;
const closeWaitMs = 2000;

interface Record {
  relayId?: unknown;
  port?: unknown;
}

/** The relay's bridge record: through the module's test helper (V3: a Promise), else the record directory. */
async function findRecord(instance: RelayInstance, relayId: string): Promise<Record | undefined> {
  const helper = instance.fn("getNativeHookRelayBridgeRecordForTests");
  if (helper) {
    const found = await capture(() => helper(relayId as never));
    return found.ok ? ((found.value as Record | undefined) ?? undefined) : undefined;
  }
  for (const dir of readdirSync(tmpdir()).filter((name) => /-native-hook-relays-/.test(name))) {
    try {
      for (const name of readdirSync(join(tmpdir(), dir)).filter((n) => n.endsWith(".json"))) {
        const record = JSON.parse(readFileSync(join(tmpdir(), dir, name), "utf8")) as Record;
        if (record.relayId === relayId) return record;
      }
    } catch {
      // unreadable: keep looking
    }
  }
  return undefined;
}

/** The port of `registered`'s bridge once its record is written, or undefined. */
async function portOf(instance: RelayInstance, registered: Registered): Promise<number | undefined> {
  // The registration awaited the handle's `ready` (relay.ts): the record may still be on its way.
  const started = performance.now();
  while (performance.now() - started < recordWaitMs) {
    const record = await findRecord(instance, registered.relayId);
    if (typeof record?.port === "number") return record.port;
    await sleep(10);
  }
  return undefined;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function closesWithin(port: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (await accepts(port)) {
    if (performance.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

export const bridgeServers: Piece = {
  key: "bridge-servers",
  async observe(kit, registered) {
    const { a, b } = kit.relay;
    if (!a.bridge) return absent("no bridge at this head");
    const port = await portOf(a, registered);
    if (port === undefined) return cannotDrive("no bridge record for the relay was found");
    const reach = unreachable(await kit.invoke(b, registered, "pre_tool_use", preToolUse()));
    if (reach) return reach;
    const replacement = await kit.relay.register(b, {
      relayId: registered.relayId,
      runId: freshId("census-bridge-run-2"),
    });
    if ("error" in replacement)
      return cannotDrive(`B's registration of the same id failed: ${replacement.error}`);
    // Does A's run still answer by its generation beside B's (coexisting runs), or was it replaced?
    const first = registered.generation
      ? await kit.invoke(a, registered, "pre_tool_use", preToolUse())
      : undefined;
    const coexists = first !== undefined && invokeOutcome(first).status === "pass";
    if (coexists) {
      const now = await portOf(b, replacement);
      if (now === port && (await accepts(port)))
        return yes("B's registration of the same id joined A's bridge server");
      return no(
        now !== undefined && now !== port
          ? `B started its own bridge server (port ${now}) for the relay id A's server (port ${port}) serves`
          : `A's bridge server on port ${port} stopped while both runs are live`,
      );
    }
    if (await closesWithin(port, closeWaitMs))
      return yes("B's registration of the id replaced A's and closed A's bridge server");
    return no(`A's bridge server still listens on port ${port} after B's registration replaced it`);
  },
};
