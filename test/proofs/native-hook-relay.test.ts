import { describe, expect, it } from "vitest";
import type { Variant } from "../../fixtures/build-fixture-repo.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

const stale = "native hook relay bridge stale registration";
const notFound = "error:native hook relay not found";
const noGenerations = "unsupported(api v1: no generations)";
const randomIds = "unsupported(api v0: relayId is ignored)";
const census = [
  "registrations",
  "invocation-history",
  "pending-permission-approvals",
  "pending-pretooluse-approvals",
  "approval-rate-windows",
  "allow-always-approvals",
  "bridge-servers",
].map((piece) => `shared.${piece}`);
const allShared = Object.fromEntries([...census.map((key) => [key, "yes"]), ["shared-state", "7/7"]]);
const phases = (key: string, value: string) =>
  Object.fromEntries(["", ".bridge", ".command", ".gateway"].map((path) => [`${key}${path}`, value]));
/** Every line a correct V2 head gives. */
const holding = {
  ...phases("duplicate-module-invoke", "0"),
  ...allShared,
  ...phases("stale-generation-error", stale),
  "stale-generation-error.gateway-bypass": stale,
  ...phases("replacement-generation-invoke", "0"),
  "legacy-command": "unavailable(deny, exit 0)",
  // PR 86340's three implementation points.
  "stale-generation-error.approval-bridge": stale,
  "replacement-generation-invoke.approval-bridge": "0",
  "command-carries-generation": "yes",
  "pending-approval-survives-stale-finalizer": "yes",
};

interface Expected {
  brand: string;
  verdict: "holds" | "fails";
  info: Record<string, string>;
  /** Every line (`exact`) or the lines that matter (`some`). */
  lines: Record<string, string>;
  exact?: boolean;
  /** How many of the checkout's modules each instance's copy of the graph holds. */
  modules?: number;
}

const expectations: Partial<Record<Variant, Expected>> = {
  "v2-correct": {
    brand: "openclaw",
    verdict: "holds",
    info: {
      api: "v2",
      state: "global Symbol.for(openclaw.nativeHookRelay.state)",
      bridge: "exported",
      replacement: "evicts",
      // The runs register as Codex runs do: through the extension's own relay code.
      caller:
        "codex-extension (createCodexNativeHookRelay, hook commands of buildCodexNativeHookRelayConfig: PreToolUse, PostToolUse, PermissionRequest, Stop; runs end through scheduleCodexNativeHookRelayUnregister)",
    },
    lines: holding,
    exact: true,
  },
  // The split layout: the state, the relay, the testing setters and the client in sibling modules.
  "v3-split-layout": {
    brand: "daisyclaw",
    verdict: "holds",
    info: { api: "v3", state: "global Symbol.for(daisyclaw.nativeHookRelay.state)", replacement: "coexists" },
    lines: holding,
    exact: true,
    modules: 14,
  },
  // Its state symbol made per module: only a second copy of the whole graph shows it.
  "mutant-split-per-module-state": {
    brand: "daisyclaw",
    verdict: "fails",
    info: { api: "v3", state: "per-instance Symbol(daisyclaw.nativeHookRelay.state) x2" },
    lines: {
      "duplicate-module-invoke": notFound,
      "duplicate-module-invoke.gateway": notFound,
      "shared.registrations": `no(B's invoke of A's relay: ${notFound})`,
    },
    modules: 14,
  },
  "v3-split": {
    brand: "kova",
    verdict: "holds",
    info: { api: "v3", state: "global Symbol.for(kova.nativeHookRelay.state)", replacement: "evicts" },
    lines: holding,
    exact: true,
  },
  "coexist-correct": {
    brand: "daisyclaw",
    verdict: "holds",
    // Both runs stay live until A's ends; A's generation is stale only after that.
    info: { api: "v2", replacement: "coexists" },
    // Its pending approvals outlive a run that ends beside a live one: the replacement joins run 1's.
    lines: {
      ...holding,
      "pending-approval-survives-stale-finalizer":
        "absent(the replacement's request joined run 1's pending approval: no stale finalizer can arise)",
    },
    exact: true,
  },
  "v2-six-pieces": {
    brand: "supportClaw",
    verdict: "holds",
    info: { api: "v2" },
    lines: {
      "shared.pending-pretooluse-approvals":
        "absent(no resolveNativeHookRelayDeferredToolApproval export (no deferred PreToolUse approvals))",
      "shared-state": "6/6 (absent: pending-pretooluse-approvals)",
      "stale-generation-error": stale,
    },
  },
  "v1-module-local": {
    brand: "daisyclaw",
    verdict: "fails",
    info: { api: "v1", state: "module-local", bridge: "exported" },
    lines: {
      // The bridge and the hook command reach the registering instance's server: they hide the bug.
      "duplicate-module-invoke": notFound,
      "duplicate-module-invoke.bridge": "0",
      "duplicate-module-invoke.command": "0",
      // The gateway's own copy of the module: the original bug report's symptom.
      "duplicate-module-invoke.gateway": notFound,
      "shared.registrations": `no(B's invoke of A's relay: ${notFound})`,
      "shared.allow-always-approvals": "no(B could not reach A's relay: native hook relay not found)",
      "shared.pending-pretooluse-approvals": "no(B found no pending approval for A's PreToolUse; A did)",
      "shared-state":
        "0/7 not shared: registrations, invocation-history, pending-permission-approvals, pending-pretooluse-approvals, approval-rate-windows, allow-always-approvals, bridge-servers",
      ...phases("stale-generation-error", noGenerations),
      "stale-generation-error.gateway-bypass": noGenerations,
      ...phases("replacement-generation-invoke", noGenerations),
      "legacy-command": noGenerations,
    },
  },
  "v0-random-ids": {
    brand: "kova",
    verdict: "fails",
    info: { api: "v0", state: "module-local", bridge: "absent" },
    lines: {
      "duplicate-module-invoke": notFound,
      "duplicate-module-invoke.bridge": "skipped",
      // The hook command goes to the head's gateway server, B's copy: the bug as users saw it.
      "duplicate-module-invoke.command": notFound,
      "shared.bridge-servers": "absent(no bridge at this head)",
      "stale-generation-error": randomIds,
      "replacement-generation-invoke": randomIds,
    },
  },
  "shared-no-generation": {
    brand: "supportClaw",
    verdict: "fails",
    info: { api: "v1", state: "global Symbol.for(supportClaw.nativeHookRelay.state)" },
    lines: {
      ...phases("duplicate-module-invoke", "0"),
      ...allShared,
      ...phases("stale-generation-error", noGenerations),
    },
  },
  "mutant-per-instance-symbol": {
    brand: "daisyclaw",
    verdict: "fails",
    // The description matches the fix's symbol, but each instance made its own: never "Symbol.for".
    // B's registration never reaches A's registry: to A, both runs look live ("coexists").
    info: {
      api: "v2",
      state: "per-instance Symbol(daisyclaw.nativeHookRelay.state) x2",
      replacement: "coexists",
    },
    lines: {
      "duplicate-module-invoke": notFound,
      "duplicate-module-invoke.bridge": "0",
      "duplicate-module-invoke.command": "0",
      "duplicate-module-invoke.gateway": notFound,
      // B's replacement never reached A's registry, and ending A's run emptied it.
      "stale-generation-error": "native hook relay not found",
      "replacement-generation-invoke": notFound,
      // The command reaches B's replacement through the record file.
      "stale-generation-error.command": stale,
    },
  },
  "bridge-skips-generation": {
    brand: "fixtureClaw",
    verdict: "fails",
    info: { api: "v2" },
    lines: {
      "stale-generation-error": stale,
      "stale-generation-error.bridge": "none(accepted, exit 0)",
      "stale-generation-error.command": "none(accepted, exit 0)",
      "stale-generation-error.gateway": stale,
      "replacement-generation-invoke": "0",
      "legacy-command": "none(accepted, exit 0)",
    },
  },
};

describe("the native hook relay proof", () => {
  describe.each(Object.entries(expectations) as [Variant, Expected][])(
    "on the %s fixture",
    (variant, expected) => {
      it(`reports every path and every piece of state on its own line and ${expected.verdict}`, async () => {
        const repo = fixtureRepo({ variant, brand: expected.brand });
        const result = await runProof({ repo: repo.root, tests: false });

        expect(result.scenario.info).toMatchObject(expected.info);
        const modules = expected.modules === undefined ? "\\d+" : String(expected.modules);
        expect(result.scenario.info["module-instances"]).toMatch(
          new RegExp(`^2 distinct \\(${modules} modules each\\)$`),
        );
        const values = Object.fromEntries(result.scenario.checks.map((check) => [check.key, check.value]));
        if (expected.exact) expect(values).toEqual(expected.lines);
        else expect(values).toMatchObject(expected.lines);
        expect(result.verdict).toBe(expected.verdict);
        expect(result.exitCode).toBe(expected.verdict === "holds" ? 0 : 1);
        expect(result.target.head).toBe(repo.head);
        expect(result.toolchain.tsxSource).toBe("target");

        const lines = result.proofLines;
        expect(lines.at(-1)).toBe(`[proof] verdict=${expected.verdict}`);
        expect(lines).toContain(`[proof] head=${repo.head}`);
        expect(lines).toContain(`[proof] api=${expected.info.api}`);
        for (const [key, value] of Object.entries(expected.lines))
          expect(lines).toContain(`[proof] ${key}=${value}`);
      });
    },
  );

  it("runs the hook commands the Codex extension's configuration installs, under the relay id it derives per session", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const result = await runProof({ repo: repo.root, tests: false });
    const ran = (key: string) => result.scenario.checks.find((check) => check.key === key)?.ran ?? "";
    // The replacement run of the session gets the first run's id, as run-attempt's re-registration does.
    const id = /--relay-id (codex-[0-9a-f]{40}) /.exec(ran("duplicate-module-invoke.command"))?.[1];
    expect(id).toBeDefined();
    expect(ran("replacement-generation-invoke.command")).toContain(`--relay-id ${id} `);
    expect(result.verdict).toBe("holds");
  });

  it("registers through the core exports, saying why, where the Codex extension lacks its relay functions", async () => {
    const repo = fixtureRepo({
      variant: "v2-correct",
      files: { "extensions/codex/src/app-server/native-hook-relay.ts": "export const unrelated = 1;\n" },
    });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.scenario.info.caller).toBe(
      "core-exports (extensions/codex/src/app-server/native-hook-relay.ts lacks createCodexNativeHookRelay, buildCodexNativeHookRelayId, buildCodexNativeHookRelayConfig)",
    );
    expect(
      result.scenario.checks.find((check) => check.key === "duplicate-module-invoke.command")?.ran,
    ).toMatch(/--relay-id relay-proof-[a-z0-9]+ /);
    expect(result.verdict).toBe("holds");
  });

  it("names the defect in its reasons when a broken variant fails", async () => {
    const repo = fixtureRepo({ variant: "bridge-skips-generation" });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.reasons).toEqual([
      `stale-generation-error.bridge=none(accepted, exit 0) (expected ${stale})`,
      `stale-generation-error.command=none(accepted, exit 0) (expected ${stale})`,
      "legacy-command=none(accepted, exit 0) (expected unavailable(deny, exit 0))",
    ]);
  });

  it("fails a head that shares all but one piece of state, naming that piece in the summary block", async () => {
    const repo = fixtureRepo({ variant: "per-instance-allow-always" });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.verdict).toBe("fails");
    // The four lines of the PR's hand-made proof all pass: only the census catches it.
    const summary = result.proofLines.slice(-8);
    expect(summary).toEqual([
      `[proof] head=${repo.head}`,
      "[proof] api=v2",
      "[proof] replacement=evicts",
      "[proof] duplicate-module-invoke=0",
      `[proof] stale-generation-error=${stale}`,
      "[proof] replacement-generation-invoke=0",
      "[proof] shared-state=6/7 not shared: allow-always-approvals",
      "[proof] verdict=fails",
    ]);
    expect(result.claims?.find((claim) => claim.id === "shared-state")?.status).toBe("fails");
    expect(result.claims?.find((claim) => claim.id === "one-registry")?.status).toBe("holds");
  });

  it("cannot test a correct split-layout head with a piece no export reaches, naming it, and never fails it", async () => {
    const repo = fixtureRepo({ variant: "v3-split-undriven" });
    const result = await runProof({ repo: repo.root, tests: false });
    const values = Object.fromEntries(result.scenario.checks.map((check) => [check.key, check.value]));
    expect(values["shared.pending-pretooluse-approvals"]).toBe(
      "cannot-drive(no testing.setNativeHookRelayDeferredToolApprovalRequesterForTests: the deferred approval requester cannot be set)",
    );
    expect(values["shared-state"]).toBe("6/6 (1 not driven: pending-pretooluse-approvals)");
    expect(result.scenario.checks.filter((check) => check.status === "fail")).toEqual([]);
    expect(result.verdict).toBe("cannot-test");
    expect(result.exitCode).toBe(125);
    expect(result.claims?.find((claim) => claim.id === "shared-state")?.status).toBe("partly-tested");
    expect(result.proofLines.at(-2)).toBe(
      "[proof] shared-state=6/6 (1 not driven: pending-pretooluse-approvals)",
    );
  });

  it("keeps the summary block within the 12 lines a throwaway VM's proof block keeps", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const result = await runProof({ repo: repo.root, tests: false });
    const summaryStart = result.proofLines.findIndex((line) => line.startsWith("[proof] head="));
    expect(result.proofLines.length - summaryStart).toBeLessThanOrEqual(12);
  });
});
