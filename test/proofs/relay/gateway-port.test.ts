import { connect } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { keepGatewayCallsPrivate } from "../../../proofs/relay/gateway-server.ts";

/** How a connection to a loopback port ends: "refused" when nothing listens there. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) =>
      resolve(error.code === "ECONNREFUSED" ? "refused" : String(error.code)),
    );
  });
}

describe("keepGatewayCallsPrivate", () => {
  it("points the head's gateway port at a loopback port of the run's where nothing listens, never the default", async () => {
    vi.stubEnv("FIXTURECLAW_GATEWAY_PORT", undefined);
    await keepGatewayCallsPrivate({ prefix: "FIXTURECLAW" });
    const port = Number(process.env.FIXTURECLAW_GATEWAY_PORT);
    expect(Number.isInteger(port) && port > 0).toBe(true);
    expect(port).not.toBe(18789);
    expect(await tryConnect(port)).toBe("refused");
  });

  it("keeps a port the user passed on", async () => {
    vi.stubEnv("FIXTURECLAW_GATEWAY_PORT", "4242");
    await keepGatewayCallsPrivate({ prefix: "FIXTURECLAW" });
    expect(process.env.FIXTURECLAW_GATEWAY_PORT).toBe("4242");
  });
});
