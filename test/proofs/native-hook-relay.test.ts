import { describe, expect, it } from "vitest";
import type { Variant } from "../../fixtures/build-fixture-repo.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

const stale = "native hook relay bridge stale registration";
const noGenerations = "unsupported(api v1: no generations)";
const randomIds = "unsupported(api v0: relayId is ignored)";

interface Expected {
  brand: string;
  verdict: "holds" | "fails";
  info: Record<string, string>;
  lines: Record<string, string>;
}

const expectations: Partial<Record<Variant, Expected>> = {
  "v2-correct": {
    brand: "openclaw",
    verdict: "holds",
    info: { api: "v2", state: "global Symbol.for(openclaw.nativeHookRelay.state)", bridge: "exported" },
    lines: {
      "duplicate-module-invoke": "0",
      "duplicate-module-invoke.bridge": "0",
      "duplicate-module-invoke.command": "0",
      "stale-generation-error": stale,
      "stale-generation-error.bridge": stale,
      "stale-generation-error.command": stale,
      "replacement-generation-invoke": "0",
      "replacement-generation-invoke.bridge": "0",
      "replacement-generation-invoke.command": "0",
    },
  },
  "v3-split": {
    brand: "kova",
    verdict: "holds",
    info: { api: "v3", state: "global Symbol.for(kova.nativeHookRelay.state)", bridge: "exported" },
    lines: {
      "duplicate-module-invoke": "0",
      "duplicate-module-invoke.bridge": "0",
      "duplicate-module-invoke.command": "0",
      "stale-generation-error": stale,
      "stale-generation-error.bridge": stale,
      "stale-generation-error.command": stale,
      "replacement-generation-invoke": "0",
      "replacement-generation-invoke.bridge": "0",
      "replacement-generation-invoke.command": "0",
    },
  },
  "v1-module-local": {
    brand: "daisyclaw",
    verdict: "fails",
    info: { api: "v1", state: "module-local", bridge: "exported" },
    lines: {
      // The bridge and the hook command reach the registering instance's server: they hide the bug.
      "duplicate-module-invoke": "error:native hook relay not found",
      "duplicate-module-invoke.bridge": "0",
      "duplicate-module-invoke.command": "0",
      "stale-generation-error": noGenerations,
      "stale-generation-error.bridge": noGenerations,
      "stale-generation-error.command": noGenerations,
      "replacement-generation-invoke": noGenerations,
      "replacement-generation-invoke.bridge": noGenerations,
      "replacement-generation-invoke.command": noGenerations,
    },
  },
  "v0-random-ids": {
    brand: "kova",
    verdict: "fails",
    info: { api: "v0", state: "module-local", bridge: "absent" },
    lines: {
      "duplicate-module-invoke": "error:native hook relay not found",
      "duplicate-module-invoke.bridge": "skipped",
      // The hook command goes to a gateway (ECONNREFUSED): not evidence either way.
      "duplicate-module-invoke.command": "skipped",
      "stale-generation-error": randomIds,
      "stale-generation-error.bridge": randomIds,
      "stale-generation-error.command": randomIds,
      "replacement-generation-invoke": randomIds,
      "replacement-generation-invoke.bridge": randomIds,
      "replacement-generation-invoke.command": randomIds,
    },
  },
  "shared-no-generation": {
    brand: "supportClaw",
    verdict: "fails",
    info: { api: "v1", state: "global Symbol.for(supportClaw.nativeHookRelay.state)", bridge: "exported" },
    lines: {
      "duplicate-module-invoke": "0",
      "duplicate-module-invoke.bridge": "0",
      "duplicate-module-invoke.command": "0",
      "stale-generation-error": noGenerations,
      "stale-generation-error.bridge": noGenerations,
      "stale-generation-error.command": noGenerations,
      "replacement-generation-invoke": noGenerations,
      "replacement-generation-invoke.bridge": noGenerations,
      "replacement-generation-invoke.command": noGenerations,
    },
  },
  "mutant-per-instance-symbol": {
    brand: "daisyclaw",
    verdict: "fails",
    // The description matches the fix's symbol, but each instance made its own: never "Symbol.for".
    info: { api: "v2", state: "per-instance Symbol(daisyclaw.nativeHookRelay.state) x2", bridge: "exported" },
    lines: {
      "duplicate-module-invoke": "error:native hook relay not found",
      "duplicate-module-invoke.bridge": "0",
      "duplicate-module-invoke.command": "0",
      // As on the V1 base: A keeps its own old registration, so A accepts the stale generation and
      // rejects the new one; the command reaches B's replacement through the record file.
      "stale-generation-error": "none(accepted, exit 0)",
      "stale-generation-error.bridge": "none(accepted, exit 0)",
      "stale-generation-error.command": stale,
      "replacement-generation-invoke": `error:${stale}`,
      "replacement-generation-invoke.bridge": "0",
      "replacement-generation-invoke.command": "0",
    },
  },
  "bridge-skips-generation": {
    brand: "fixtureClaw",
    verdict: "fails",
    info: { api: "v2", state: "global Symbol.for(fixtureClaw.nativeHookRelay.state)", bridge: "exported" },
    lines: {
      "duplicate-module-invoke": "0",
      "duplicate-module-invoke.bridge": "0",
      "duplicate-module-invoke.command": "0",
      "stale-generation-error": stale,
      "stale-generation-error.bridge": "none(accepted, exit 0)",
      "stale-generation-error.command": "none(accepted, exit 0)",
      "replacement-generation-invoke": "0",
      "replacement-generation-invoke.bridge": "0",
      "replacement-generation-invoke.command": "0",
    },
  },
};

describe("the native hook relay proof", () => {
  describe.each(Object.entries(expectations) as [Variant, Expected][])(
    "on the %s fixture",
    (variant, expected) => {
      it(`reports every path on its own line and ${expected.verdict}`, async () => {
        const repo = fixtureRepo({ variant, brand: expected.brand });
        const result = await runProof({ repo: repo.root, tests: false });

        expect(result.scenario.info).toMatchObject({ ...expected.info, "module-instances": "2 distinct" });
        const values = Object.fromEntries(result.scenario.checks.map((check) => [check.key, check.value]));
        expect(values).toEqual(expected.lines);
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

  it("names the defect in its reasons when a broken variant fails", async () => {
    const repo = fixtureRepo({ variant: "bridge-skips-generation" });
    const result = await runProof({ repo: repo.root, tests: false });
    expect(result.reasons).toEqual([
      `stale-generation-error.bridge=none(accepted, exit 0) (expected ${stale})`,
      `stale-generation-error.command=none(accepted, exit 0) (expected ${stale})`,
    ]);
  });
});
