import { describe, expect, it } from "vitest";
import { type Variant, variants } from "../../fixtures/build-fixture-repo.ts";
import { holdingVariants, mutants, untestableVariants } from "../../fixtures/mutants.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

describe("mutation check: every broken fixture relay is caught", () => {
  it("covers every broken variant in fixtures/", () => {
    const broken = variants.filter(
      (variant) => !holdingVariants.includes(variant) && !untestableVariants.includes(variant),
    );
    expect(Object.keys(mutants).sort()).toEqual([...broken].sort());
  });

  const cases = Object.entries(mutants).map(([variant, defect]) => ({
    variant,
    defect,
    key: `${defect.proof ?? "native-hook-relay"}: ${defect.key}`,
  }));
  it.concurrent.each(cases)(
    "$variant fails, and its $key line names the defect",
    async ({ variant, defect }) => {
      const repo = fixtureRepo({ variant: variant as Variant });
      const result = await runProof({ repo: repo.root, tests: false, proof: defect.proof });
      expect(result.verdict).toBe("fails");
      const check = result.scenario.checks.find((c) => c.key === defect.key);
      expect(check?.status).toMatch(/^(fail|unsupported)$/);
      if (typeof defect.value === "string") expect(check?.value).toEqual(defect.value);
      else expect(check?.value).toMatch(defect.value);
      expect(result.proofLines).toContain(`[proof] ${defect.key}=${check?.value}`);
    },
  );
});
