// How a hook command's answer reads when it went to a gateway: a command whose line lost its
// generation is PR 86340's third point undone (a failure); one that carries its generation and fell
// back to a gateway that gave no answer is gateway trouble (cannot-test), never a failure or a pass.
import { describe, expect, it } from "vitest";
import { commandInvoke, commandStale, type RanCommand } from "../../../proofs/relay/hook-command.ts";

const running = { kind: "running", url: "ws://127.0.0.1:1", startMs: 10 } as const;
const timedOutGateway = (command: string): RanCommand => ({
  kind: "unavailable",
  reason: "gateway timeout after 5000ms",
  denied: true,
  exitCode: 0,
  command,
  generation: "g-1",
  gateway: running,
});
const withGeneration = "node kova.mjs hooks relay --relay-id r --generation g-1 --event pre_tool_use";
const withoutGeneration = "node kova.mjs hooks relay --relay-id r --event pre_tool_use";

describe("a generation head's command that went to a gateway", () => {
  it("fails as gateway-routed when its command line has no --generation", () => {
    for (const check of [commandInvoke, commandStale]) {
      expect(check(timedOutGateway(withoutGeneration))).toMatchObject({
        status: "fail",
        value: "gateway-routed(gateway timeout after 5000ms)",
      });
    }
  });

  it("cannot be tested when it carried its generation and the gateway gave no answer", () => {
    for (const check of [commandInvoke, commandStale]) {
      expect(check(timedOutGateway(withGeneration))).toMatchObject({
        status: "cannot-test",
        value:
          "cannot-test(the gateway server runs but the command did not get through: gateway timeout after 5000ms)",
      });
    }
  });

  it("counts the relay's own answer through the gateway, whichever way the command went", () => {
    const stale = {
      ...timedOutGateway(withGeneration),
      reason: "native hook relay bridge stale registration",
    };
    expect(commandStale(stale)).toMatchObject({ status: "pass" });
  });
});
