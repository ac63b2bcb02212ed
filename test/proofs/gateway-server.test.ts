// The head's own gateway server in the proof (issue 23): started from instance B with a fresh token,
// the commands a head routes to a gateway reach its nativeHook.invoke; one that cannot start makes
// those lines cannot-test, never a pass; the token never shows; Ctrl-C leaves no listener behind.
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runProof } from "../../src/engine/run-proof.ts";
import { fixtureRepo, tempDir } from "../helpers/fixture-repo.ts";

const running = /^running\(loopback, token, (\d+) ms to start\)$/;
const lineOf = (result: Awaited<ReturnType<typeof runProof>>, key: string) =>
  result.scenario.checks.find((check) => check.key === key)?.value;

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

describe("the head's gateway server", () => {
  it("runs on loopback with a token, and a command without a generation reaches its nativeHook.invoke", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.scenario.info["gateway-server"]).toMatch(running);
    const legacy = result.scenario.checks.find((check) => check.key === "legacy-command");
    expect(legacy?.value).toBe("unavailable(deny, exit 0)");
    expect(legacy?.detail).toContain("native hook relay generation is required");
    expect(result.verdict).toBe("holds");
  });

  it("shows a pre-bridge head's bug through the gateway, as users saw it", async () => {
    const repo = fixtureRepo({ variant: "v0-random-ids" });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(lineOf(result, "duplicate-module-invoke.command")).toBe("error:native hook relay not found");
    expect(result.verdict).toBe("fails");
  });

  it("makes the gateway-routed lines cannot-test when it cannot start, never holds", async () => {
    const repo = fixtureRepo({ variant: "gateway-cannot-start" });
    const result = await runProof({ repo: repo.root, tests: false });
    const why = "startGatewayServer threw: listen EADDRINUSE: address already in use";
    expect(result.scenario.info["gateway-server"]).toBe(`not-started(${why})`);
    expect(lineOf(result, "legacy-command")).toBe(`cannot-test(gateway-server=not-started(${why}))`);
    // The commands with a generation go to the direct bridge: they still speak.
    expect(lineOf(result, "stale-generation-error.command")).toBe(
      "native hook relay bridge stale registration",
    );
    expect(result.verdict).toBe("cannot-test");
    expect(result.exitCode).toBe(125);
  });

  it.each([
    // Listens after 3 s: the commands it answers wait for it.
    ["is waited for by the commands it answers when it starts slowly", "slow-gateway", 3000],
    // The first request waits 6 s, past the command's 5 s gateway timeout: only a warmed gateway answers.
    [
      "is called once before any command, so a gateway that loads its methods on first use answers the commands",
      "cold-gateway",
      6000,
    ],
  ] as const)("%s", async (_name, variant, atLeastMs) => {
    const repo = fixtureRepo({ variant });
    const result = await runProof({ repo: repo.root, tests: false });
    const ms = Number(running.exec(result.scenario.info["gateway-server"] ?? "")?.[1]);
    expect(ms).toBeGreaterThanOrEqual(atLeastMs);
    expect(lineOf(result, "legacy-command")).toBe("unavailable(deny, exit 0)");
    expect(result.verdict).toBe("holds");
  });

  it("never shows its token in a line, even when the head prints it", async () => {
    const repo = fixtureRepo({
      variant: "v2-correct",
      files: {
        "src/gateway/server.ts":
          "export async function startGatewayServer(_port: number, options: { auth: { token: string } }) {\n  throw new Error('cannot start with token ' + options.auth.token);\n}\n",
      },
    });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.scenario.info["gateway-server"]).toBe(
      "not-started(startGatewayServer threw: cannot start with token [redacted])",
    );
    expect(lineOf(result, "legacy-command")).toContain("[redacted]");
    expect(result.verdict).toBe("cannot-test");
  });

  it("is gone after Ctrl-C: its port refuses connections", async () => {
    const marker = join(tempDir("relay-proof-gateway-"), "port");
    const repo = fixtureRepo({
      variant: "slow-cli",
      files: {
        "src/gateway/server.ts": `import { gatewayStarter } from "./server-core.ts";\nexport const startGatewayServer = gatewayStarter({ listeningMarker: ${JSON.stringify(marker)} });\n`,
      },
    });
    const controller = new AbortController();
    const run = runProof({ repo: repo.root, tests: false, signal: controller.signal });
    while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 25));
    const port = Number(readFileSync(marker, "utf8"));
    expect(await refused(port)).toBe(false);
    controller.abort();
    await expect(run).rejects.toMatchObject({ code: "INTERRUPTED" });
    expect(await refused(port)).toBe(true);
  });
});
