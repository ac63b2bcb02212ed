// Bridge servers: when B expires a relay registered through A, B's copy of the state must reach A's
// bridge server and close it. Per-instance bridge maps leave the replaced server listening.
import { readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { capture, describe, sleep } from "../capture.ts";
import { preToolUse } from "../payloads.ts";
import type { RelayInstance } from "../relay.ts";
import { absent, cannotDrive, no, type Piece, yes } from "./piece.ts";

/** How long to wait for A's bridge record, and how soon the renewed registration expires. */
const recordWaitMs = 5000;
const expireInMs = 300;

interface Record {
  relayId?: unknown;
  port?: unknown;
}

/** The relay's bridge record: through the module's test helper, else from the record directory. */
function findRecord(instance: RelayInstance, relayId: string): Record | undefined {
  const helper = instance.fn("getNativeHookRelayBridgeRecordForTests");
  if (helper) return (helper(relayId as never) as Record | undefined) ?? undefined;
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

export const bridgeServers: Piece = {
  key: "bridge-servers",
  async observe(kit, registered) {
    const { a, b } = kit.relay;
    if (!a.bridge) return absent("no bridge at this head");
    if (typeof registered.handle.renew !== "function") return cannotDrive("the handle has no renew()");
    // The record is written once A's bridge server listens; then the registration is made to expire.
    const started = performance.now();
    let record: Record | undefined;
    while (!record && performance.now() - started < recordWaitMs) {
      record = findRecord(a, registered.relayId);
      if (!record) await sleep(10);
    }
    const port = typeof record?.port === "number" ? record.port : undefined;
    if (port === undefined) return cannotDrive("no bridge record for the relay was found");
    await capture(() => registered.handle.renew?.(expireInMs));
    await sleep(expireInMs + 50);
    const expired = await kit.invoke(b, registered, "pre_tool_use", preToolUse());
    if (!expired.ok && expired.error === "native hook relay not found")
      return no("B could not reach A's relay: native hook relay not found");
    if (expired.ok || expired.error !== "native hook relay expired")
      return cannotDrive(`B's invoke of the expired relay answered ${describe(expired)}`);
    return (await accepts(port))
      ? no(`A's bridge server still listens on port ${port} after B expired its registration`)
      : yes("B's expiry of A's registration closed A's bridge server");
  },
};
