import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { relayModulePath } from "../../fixtures/build-fixture-repo.ts";
import { lineRanges, percent } from "../../src/coverage/change-coverage.ts";
import { compareRefs } from "../../src/engine/compare.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

/** The repo's own test router (as OpenClaw's scripts/test-projects.test-support.mjs): file -> owning config. */
const router = `export function buildVitestRunPlans(files) {
  return [{ config: "test/vitest/vitest.agents.config.ts", includePatterns: files, forwardedArgs: [], watchMode: false }];
}
`;

/** A V1 base, then the V2 fix plus a function the scenario never calls (a changed but dead line). */
function fixWithDeadLine() {
  const repo = fixtureRepo({
    variant: "v1-module-local",
    files: { "scripts/test-projects.test-support.mjs": router },
  });
  const base = repo.head;
  repo.useVariant("v2-correct");
  const fixed = readFileSync(join(repo.root, relayModulePath), "utf8");
  const dead = [
    "",
    "export function relayProofDeadBranch(flag: boolean): number {",
    "  if (flag) {",
    '    return "never".length;',
    "  }",
    "  return 0;",
    "}",
    "",
  ].join("\n");
  repo.write(relayModulePath, fixed + dead);
  repo.commit("the fix, and a dead branch");
  const lines = (fixed + dead).split("\n");
  const lineOf = (text: string) => lines.findIndex((line) => line.includes(text)) + 1;
  return { repo, base, lineOf };
}

const relayTests = ["src/agents/harness/native-hook-relay.test.ts"];

describe("--coverage: did the evidence run the fix?", () => {
  it("reports the changed lines the scenario and the tests ran, and a dead changed line as never", async () => {
    const { repo, base, lineOf } = fixWithDeadLine();
    const result = await runProof({ repo: repo.root, tests: { files: relayTests }, coverage: { base } });
    expect(result.verdict).toBe("holds");
    const coverage = result.coverage;
    expect(coverage).toMatchObject({ scope: "diff", testsNotMeasured: undefined, unmapped: 0 });
    const file = coverage?.files.find((f) => f.file === relayModulePath);
    expect(file).toBeDefined();
    const dead = lineOf('return "never".length;');
    const state = lineOf("globalState(),");
    expect(file?.lines).toContain(dead);
    expect(file?.lines).toContain(state);
    // The fix's state line runs when the module loads, in the scenario and in the tests.
    expect(file?.scenario).toContain(state);
    expect(file?.tests).toContain(state);
    // The dead branch never ran anywhere: reported, never counted as hit.
    expect(file?.scenario).not.toContain(dead);
    expect(file?.tests).not.toContain(dead);
    expect(file?.neither).toContain(dead);
    expect(file?.excerpt.find((line) => line.line === dead)?.text).toContain('"never"');
    // Comments and closing braces are not lines to cover.
    expect(file?.lines).not.toContain(lineOf("  }"));

    const summary = result.proofLines.find((line) => line.startsWith("[proof] fix-lines="));
    expect(summary).toBe(
      `[proof] fix-lines=scenario ${coverage?.scenario}/${coverage?.total} (${percent(coverage?.scenario ?? 0, coverage?.total ?? 0)}) tests ${coverage?.tests}/${coverage?.total}`,
    );
    expect(coverage?.scenario).toBeLessThan(coverage?.total ?? 0);
    expect(result.proofLines).toContain(
      `[proof] fix-lines.${relayModulePath}=scenario ${file?.scenario.length}/${file?.lines.length} (${percent(file?.scenario.length ?? 0, file?.lines.length ?? 0)}) tests ${file?.tests?.length}/${file?.lines.length} never ${lineRanges(file?.neither ?? [])}`,
    );
    expect(result.proofLines.at(-1)).toBe("[proof] verdict=holds");
  });

  it("measures the changed files even where the repo's coverage config excludes them", async () => {
    const { repo, base } = fixWithDeadLine();
    // As DaisyClaw's shared config does: coverage.exclude names src/agents/**.
    repo.write(
      "test/vitest/vitest.agents.config.ts",
      [
        'import { mergeConfig } from "vitest/config";',
        'import { project } from "./project.ts";',
        "",
        'export default mergeConfig(project("agents", ["src/agents/**/*.test.ts"]), {',
        '  test: { coverage: { exclude: ["src/agents/**"], thresholds: { lines: 100 } } },',
        "});",
        "",
      ].join("\n"),
    );
    repo.commit("exclude src/agents from coverage, demand 100%");
    const result = await runProof({ repo: repo.root, tests: { files: relayTests }, coverage: { base } });
    expect(result.tests?.status).toBe("pass");
    expect(result.coverage?.testsNotMeasured).toBeUndefined();
    expect(result.coverage?.tests).toBeGreaterThan(0);
  });

  it("counts the lines the hook commands ran: the CLI runs only in those processes", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const base = repo.head;
    const cli = "src/cli/native-hook-relay-cli-base.ts";
    const source = readFileSync(join(repo.root, cli), "utf8");
    const marker = 'const timeoutMs = Number(option(args, "--timeout") ?? "5000");';
    expect(source).toContain(marker);
    repo.write(
      cli,
      source.replace(
        marker,
        `${marker}\n    const relayProofCommandRan = timeoutMs > 0;\n    void relayProofCommandRan;`,
      ),
    );
    repo.commit("touch the hook command's CLI");
    const result = await runProof({ repo: repo.root, tests: false, coverage: { base } });
    const file = result.coverage?.files.find((f) => f.file === cli);
    expect(file?.lines.length).toBeGreaterThan(0);
    expect(file?.scenario).toEqual(file?.lines);
  });

  it("compare measures the head's coverage of base..head by default, and not with coverage: false", async () => {
    const { repo, base, lineOf } = fixWithDeadLine();
    const result = await compareRefs({ repo: repo.root, base, head: "HEAD", tests: false });
    expect(result.verdict).toBe("fix-verified");
    expect(result.base.coverage).toBeUndefined();
    expect(result.head.coverage).toMatchObject({ scope: "diff", base });
    expect(result.head.coverage?.files[0]?.neither).toContain(lineOf('return "never".length;'));
    expect(result.proofLines.at(-2)).toMatch(
      /^\[proof\] fix-lines=scenario \d+\/\d+ \(\d+%\) tests not-measured$/,
    );
    const summaryStart = result.proofLines.findIndex((line) => line.startsWith("[proof] base="));
    expect(result.proofLines.length - summaryStart).toBeLessThanOrEqual(12);

    const off = await compareRefs({ repo: repo.root, base, head: "HEAD", tests: false, coverage: false });
    expect(off.head.coverage).toBeUndefined();
    expect(off.proofLines.some((line) => line.includes("fix-lines"))).toBe(false);
  });

  it("never turns a failing proof into a pass", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const base = repo.head;
    repo.useVariant("v1-module-local");
    repo.commit("reintroduce the bug");
    const result = await runProof({ repo: repo.root, tests: false, coverage: { base } });
    expect(result.verdict).toBe("fails");
    expect(result.coverage?.scope).toBe("diff");
    expect(result.coverage?.testsNotMeasured).toBe("not measured: the focused tests did not run");
    expect(result.proofLines).toContainEqual(
      expect.stringMatching(/^\[proof\] fix-lines=scenario \d+\/\d+ \(\d+%\) tests not-measured$/),
    );
  });

  it("without a base, reports the module's own lines and says so", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const result = await runProof({ repo: repo.root, tests: false, coverage: true });
    expect(result.coverage).toMatchObject({
      scope: "module",
      notes: ["no base: coverage of the proof's module files only"],
    });
    // The module and its siblings named after it (V3 heads split it into native-hook-relay-*.ts).
    expect(result.coverage?.files.map((f) => f.file)).toEqual([
      "src/agents/harness/native-hook-relay-core.ts",
      relayModulePath,
    ]);
    expect(result.coverage?.scenario).toBeGreaterThan(0);
    expect(result.proofLines).toContainEqual(
      expect.stringMatching(/^\[proof\] module-lines=scenario \d+\/\d+/),
    );
  });

  it("names a changed file the proof declares out of its reach with the proof's reason, and one that cannot load with its missing import", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const base = repo.head;
    const attempt = "extensions/codex/src/app-server/run-attempt.ts";
    const broken = "src/agents/harness/relay-proof-broken.ts";
    repo.write(attempt, "export function runCodexAppServerAttempt(): number {\n  return 1;\n}\n");
    repo.write(broken, 'import { later } from "./added-later.js";\nexport const value = later + 1;\n');
    repo.commit("a caller the proof cannot run, and a file that cannot load");
    const result = await runProof({ repo: repo.root, tests: false, coverage: { base } });
    const reasonOf = (file: string) => result.coverage?.files.find((f) => f.file === file)?.unreached;
    expect(reasonOf(attempt)).toMatch(/^runs only inside a whole Codex app-server attempt/);
    expect(reasonOf(broken)).toBe(
      "cannot load at this commit: it imports ./added-later.js, which the commit does not have",
    );
  });

  it("says the scenario child wrote no coverage when the timeout killed it, never that nothing loaded", async () => {
    const hangs = `
      export function registerNativeHookRelay(params) {
        return { relayId: params.relayId, generation: "g1", commandForEvent: () => "true", unregister() {} };
      }
      export async function invokeNativeHookRelay() { await new Promise(() => setInterval(() => {}, 1000)); }
    `;
    const repo = fixtureRepo({ moduleSource: hangs });
    const base = repo.head;
    repo.write(relayModulePath, `${hangs}\nexport const relayProofChanged = 1;\n`);
    repo.commit("a change the killed child would have loaded");
    const result = await runProof({ repo: repo.root, tests: false, coverage: { base }, timeoutMs: 4000 });
    expect(result.scenario.timedOut).toBe(true);
    expect(result.coverage?.files[0]?.unreached).toBe(
      "unknown: the scenario child wrote no coverage (killed at a timeout, or crashed)",
    );
    expect(result.coverage?.notes).toContain(
      "the scenario child wrote no coverage (killed at a timeout, or crashed): only the hook commands' lines are counted",
    );
  });

  it("says Vitest measured nothing when its report comes back empty, never zero", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    // Without the router: the root config of projects with --project, where Vitest measures nothing.
    const result = await runProof({ repo: repo.root, tests: { files: relayTests }, coverage: true });
    expect(result.tests?.status).toBe("pass");
    expect(result.coverage?.tests).toBeUndefined();
    expect(result.coverage?.testsNotMeasured).toMatch(/^not measured: Vitest's coverage came back empty/);
  });

  it("says the tests' coverage was not measured when the checkout has no coverage provider, never zero", async () => {
    const repo = fixtureRepo({ variant: "v2-correct", coverage: false });
    const result = await runProof({ repo: repo.root, tests: { files: relayTests }, coverage: true });
    expect(result.tests?.status).toBe("pass");
    expect(result.coverage).toMatchObject({
      tests: undefined,
      testsNotMeasured: "not measured: the checkout has no @vitest/coverage-v8",
    });
  });
});
