import { describe, expect, it, onTestFinished, vi } from "vitest";
import { createDemoHistory } from "../../fixtures/build-fixture-history.ts";
import { demoVerdict, runDemo } from "../../src/engine/demo.ts";
import type { BisectResult, CompareResult } from "../../src/result/types.ts";
import { leftoversIn, tempDir } from "../helpers/fixture-repo.ts";

/** The demo history's fixing commit: the builder is deterministic (fixed identity and dates). */
function expectedFix(): string {
  const history = createDemoHistory({ vitest: false });
  try {
    return history.commits["relay: generations (the fix)"] as string;
  } finally {
    history.repo.remove();
  }
}

/** The demo history's commits whose relay module throws on import: "wip" up to the next relay commit. */
function unloadableSubjects(): string[] {
  const history = createDemoHistory({ vitest: false });
  try {
    const start = history.order.indexOf("wip: relay does not load");
    const end = history.order.indexOf("relay: process-global state");
    // An unrelated commit is labelled unrelated-N; its subject is "docs: unrelated change N".
    return history.order
      .slice(start, end)
      .map((label) => label.replace(/^unrelated-(\d+)$/, "docs: unrelated change $1"));
  } finally {
    history.repo.remove();
  }
}

describe("runDemo", () => {
  it("verifies the fix, bisects to the fixing commit and removes everything it made", async () => {
    const fix = expectedFix();
    // Everything the demo makes lives under os.tmpdir(), which follows TMPDIR.
    const tmp = tempDir();
    vi.stubEnv("TMPDIR", tmp);
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });
    const progress: string[] = [];
    const result = await runDemo({ onProgress: (message) => progress.push(message) });

    expect(result).toMatchObject({ kind: "demo", verdict: "holds", exitCode: 0 });
    expect(result.history.fix).toEqual({ sha: fix, subject: "relay: generations (the fix)" });
    expect(result.compare).toMatchObject({ verdict: "fix-verified", exitCode: 0 });
    expect(result.compare.base.target.head).toBe(result.history.base.sha);
    expect(result.compare.head.target.head).toBe(fix);
    expect(result.bisect).toMatchObject({ direction: "fixed", verdict: "found" });
    expect(result.bisect?.first).toEqual({ sha: fix, subject: "relay: generations (the fix)" });
    // A commit that cannot load (the wip commit, or an unrelated one on top of it) is skipped, not
    // blamed; which of them git bisect picks follows the SHAs.
    const cannotLoad = unloadableSubjects();
    const skipped = result.bisect?.steps.filter((step) => step.outcome === "skipped") ?? [];
    expect(skipped.length).toBeGreaterThan(0);
    for (const step of skipped) expect(cannotLoad).toContain(step.subject);
    expect(result.proofLines).toEqual([
      "[proof] compare=fix-verified",
      `[proof] first-fixed-commit=${fix}`,
      "[proof] verdict=holds",
    ]);
    expect(result.nextSteps.map((step) => step.command)).toContain("relay-proof run --repo PATH");
    expect(progress[0]).toMatch(/^building the fixture history \(V1 bug -> V2 fix\) in /);
    expect(progress.at(-1)).toMatch(/^removed /);
    expect(leftoversIn(tmp)).toEqual([]);
  });
});

describe("demoVerdict", () => {
  const compare = (verdict: CompareResult["verdict"]) =>
    ({ verdict, reasons: [`compare said ${verdict}`] }) as unknown as CompareResult;
  const bisect = (first: string | undefined) =>
    ({
      first: first ? { sha: first, subject: "s" } : undefined,
      reasons: ["only untestable commits are left"],
    }) as unknown as BisectResult;

  it("holds only when compare verified the fix and bisect named the fixing commit", () => {
    expect(demoVerdict(compare("fix-verified"), bisect("f"), "f").verdict).toBe("holds");
    expect(demoVerdict(compare("fix-verified"), bisect("other"), "f")).toEqual({
      verdict: "fails",
      reasons: ["bisect named other (s), not the fixing commit f"],
    });
  });

  it("fails when the compare did not verify the fix, and cannot test when either could not", () => {
    expect(demoVerdict(compare("not-verified"), undefined, "f")).toEqual({
      verdict: "fails",
      reasons: ["compare: compare said not-verified; bisect skipped"],
    });
    expect(demoVerdict(compare("cannot-test"), undefined, "f").verdict).toBe("cannot-test");
    expect(demoVerdict(compare("fix-verified"), bisect(undefined), "f")).toEqual({
      verdict: "cannot-test",
      reasons: ["bisect: only untestable commits are left"],
    });
  });
});
