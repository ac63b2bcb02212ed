// Bridge servers: when B expires a relay registered through A, B's copy of the state must reach A's
// bridge server and close it. Per-instance bridge maps leave the replaced server listening.
// The split layout (target.md) expires actively (a timer in the registering module: waiting past the
// TTL would show B "not found", never "expired") and closes servers asynchronously, and its record
// helper answers a Promise: so B meets the expiry by a clock moved past the TTL around its invoke
// (the relay's own TTL of minutes, no timer fires), and the port is polled until it closes.
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { capture, describe, sleep } from "../capture.ts";
import { preToolUse } from "../payloads.ts";
import type { RelayInstance } from "../relay.ts";
import { absent, cannotDrive, no, type Piece, yes } from "./piece.ts";

/** How long to wait for A's bridge record, and for A's server to close once B expired the relay. */
const recordWaitMs = 5000;
const closeWaitMs = 2000;
/** How far B's clock moves past now: beyond the renewed registration's TTL, well inside approval windows. */
const expireInMs = 5000;
const clockAheadMs = expireInMs + 1000;

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

/** Run `invoke` with Date.now moved `aheadMs` forward (restored before anything else runs). */
async function withClockAhead<T>(aheadMs: number, invoke: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  Date.now = () => realNow() + aheadMs;
  try {
    return await invoke();
  } finally {
    Date.now = realNow;
  }
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
    if (typeof registered.handle.renew !== "function") return cannotDrive("the handle has no renew()");
    // The record is written once A's bridge server listens; then the registration is made to expire.
    const started = performance.now();
    let record: Record | undefined;
    await capture(() => (registered.handle as { ready?: unknown }).ready);
    while (!record && performance.now() - started < recordWaitMs) {
      record = await findRecord(a, registered.relayId);
      if (!record) await sleep(10);
    }
    const port = typeof record?.port === "number" ? record.port : undefined;
    if (port === undefined) return cannotDrive("no bridge record for the relay was found");
    await capture(() => registered.handle.renew?.(expireInMs));
    const expired = await withClockAhead(clockAheadMs, () =>
      kit.invoke(b, registered, "pre_tool_use", preToolUse()),
    );
    if (!expired.ok && expired.error === "native hook relay not found")
      return no("B could not reach A's relay: native hook relay not found");
    if (expired.ok || expired.error !== "native hook relay expired")
      return cannotDrive(`B's invoke of the expired relay answered ${describe(expired)}`);
    return (await closesWithin(port, closeWaitMs))
      ? yes("B's expiry of A's registration closed A's bridge server")
      : no(`A's bridge server still listens on port ${port} after B expired its registration`);
  },
};
