// An example proof (docs/writing-a-proof.md): the native hook relay keeps ONE registry across module
// instances. A relay registered through instance A must be visible through instance B's test hook
// (`testing.getNativeHookRelayRegistrationForTests`), and gone from B once A unregisters it.
// Holds on the fixed relay; fails on V1, where each module instance keeps its own Map.
//
// In this repository the import is relative; in your own repo, with relay-proof installed:
//   import { defineProof, type ScenarioContext } from "relay-proof";
import { defineProof, type ScenarioContext } from "../../src/index.ts";

type Lookup = (relayId: string) => unknown;

/** The test-only lookup, under `testing` (V2 and later) or `__testing` (V1). */
function lookupOf(instance: Record<string, unknown>): Lookup | undefined {
  for (const name of ["testing", "__testing"]) {
    const helpers = instance[name] as { getNativeHookRelayRegistrationForTests?: unknown } | undefined;
    const lookup = helpers?.getNativeHookRelayRegistrationForTests;
    if (typeof lookup === "function") return lookup as Lookup;
  }
  return undefined;
}

export default defineProof({
  id: "relay-one-registry",
  title: "Native hook relay: one registry shared by every module instance",
  behavior:
    "A relay registered through one copy of the native hook relay module must be known to every other " +
    "copy in the process, and unregistering it through one copy must remove it for all (OpenClaw issue 73723, bug 1).",
  module: { candidates: ["src/agents/harness/native-hook-relay.ts"] },
  requiredChecks: ["registration-visible-across-instances", "unregister-visible-across-instances"],
  summaryInfo: [],
  tests: ["src/agents/harness/native-hook-relay.test.ts"],
  async scenario(ctx: ScenarioContext) {
    const a = await ctx.load("a");
    const b = await ctx.load("b");
    if (a === b) ctx.cannotTest("the two imports returned one module instance");
    const register = a.registerNativeHookRelay;
    const lookupB = lookupOf(b);
    if (typeof register !== "function") ctx.cannotTest("the module lacks export registerNativeHookRelay");
    if (!lookupB) ctx.cannotTest("the module lacks testing.getNativeHookRelayRegistrationForTests");

    const handle = (await register({
      provider: "codex",
      relayId: `relay-proof-example-${process.pid}`,
      sessionId: "relay-proof-session",
      runId: "relay-proof-run",
    })) as { relayId: string; unregister: () => unknown };
    ctx.onTeardown(() => handle.unregister());
    ctx.info("relay-id", handle.relayId);

    await ctx.check(
      { key: "registration-visible-across-instances", expected: "visible", required: true },
      async () =>
        lookupB(handle.relayId) === undefined
          ? { status: "fail", value: "not-visible", detail: "instance B has no registration for A's relay" }
          : { status: "pass", value: "visible" },
    );
    await ctx.check(
      { key: "unregister-visible-across-instances", expected: "gone", required: true },
      async () => {
        // Gone only counts when B saw it before: a registry B never shared proves nothing here.
        if (lookupB(handle.relayId) === undefined) return { status: "fail", value: "never-visible" };
        await handle.unregister();
        return lookupB(handle.relayId) === undefined
          ? { status: "pass", value: "gone" }
          : { status: "fail", value: "still-registered" };
      },
    );
  },
});
