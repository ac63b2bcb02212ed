import { describe, expect, it } from "vitest";
import { decideVerdict } from "../../src/result/verdict.ts";
import {
  type CheckResult,
  emptyScenarioResult,
  type ScenarioResult,
} from "../../src/scenario/run-scenario.ts";

const definition = { requiredChecks: ["a", "b"] };

function check(
  key: string,
  status: CheckResult["status"],
  value = "0",
  required = !key.includes("."),
): CheckResult {
  return { key, status, value, expected: "0", required, durationMs: 1 };
}

function scenario(overrides: Partial<ScenarioResult>): ScenarioResult {
  return {
    ...emptyScenarioResult(),
    node: "v24.0.0",
    checks: [check("a", "pass"), check("b", "pass")],
    completed: true,
    exitCode: 0,
    durationMs: 1,
    ...overrides,
  };
}

describe("decideVerdict", () => {
  it("holds when every required check ran and passed and the child completed", () => {
    expect(decideVerdict(definition, scenario({})).verdict).toBe("holds");
  });

  it("fails on a failed or unsupported check and says which", () => {
    const failed = decideVerdict(
      definition,
      scenario({ checks: [check("a", "fail", "error:x"), check("b", "pass")] }),
    );
    expect(failed).toMatchObject({ verdict: "fails", reasons: ["a=error:x (expected 0)"] });
    const unsupported = decideVerdict(
      definition,
      scenario({ checks: [check("a", "pass"), check("b", "unsupported", "unsupported(v1)")] }),
    );
    expect(unsupported).toMatchObject({ verdict: "fails", reasons: ["b: unsupported(v1)"] });
  });

  it("is cannot-test, never fails, when a path timed out and nothing else failed", () => {
    const timedOut = {
      ...check("a.command", "cannot-test", "cannot-test(timed out in CLI start-up)"),
      detail: "timed out after 60.0 s in CLI start-up",
    };
    const outcome = decideVerdict(
      definition,
      scenario({ checks: [check("a", "pass"), check("b", "pass"), timedOut] }),
    );
    expect(outcome).toEqual({
      verdict: "cannot-test",
      reasons: ["a.command could not be tested: timed out after 60.0 s in CLI start-up"],
      notTested: ["a.command: timed out after 60.0 s in CLI start-up"],
    });
  });

  it("still fails when another check really failed beside a timed-out path", () => {
    const timedOut = check("a.command", "cannot-test", "cannot-test(timed out in CLI start-up)");
    const outcome = decideVerdict(
      definition,
      scenario({ checks: [check("a", "pass"), check("b", "fail", "none(accepted, exit 0)"), timedOut] }),
    );
    expect(outcome.verdict).toBe("fails");
    expect(outcome.reasons).toEqual(["b=none(accepted, exit 0) (expected 0)"]);
    expect(outcome.notTested).toEqual(["a.command: cannot-test(timed out in CLI start-up)"]);
  });

  it("does not count what the head does not have, and names it among what was not tested", () => {
    const absent = check("shared.x", "absent", "absent(no x at this head)");
    const outcome = decideVerdict(
      definition,
      scenario({ checks: [check("a", "pass"), check("b", "pass"), absent] }),
    );
    expect(outcome.verdict).toBe("holds");
    expect(outcome.notTested).toEqual(["shared.x: absent at this head: absent(no x at this head)"]);
  });

  it("is cannot-test, never holds, when a required check never ran", () => {
    expect(decideVerdict(definition, scenario({ checks: [check("a", "pass")] }))).toMatchObject({
      verdict: "cannot-test",
      reasons: ["required checks never ran: b"],
    });
  });

  it("is cannot-test when the child stopped before reporting, even with passing checks", () => {
    const exited = decideVerdict(
      definition,
      scenario({ completed: false, exitCode: 0, interruptedDuring: "b" }),
    );
    expect(exited).toMatchObject({
      verdict: "cannot-test",
      reasons: ["scenario child exited with code 0 during b before reporting"],
    });
    const killed = decideVerdict(
      definition,
      scenario({ completed: false, exitCode: undefined, signal: "SIGKILL" }),
    );
    expect(killed.reasons[0]).toBe("scenario child was killed by SIGKILL before reporting");
  });

  it("is cannot-test on a timeout, a harness error or a cannot-test report", () => {
    expect(
      decideVerdict(definition, scenario({ timedOut: true, completed: false, interruptedDuring: "a" }))
        .reasons,
    ).toEqual(["scenario timed out during a; its process group was killed"]);
    expect(decideVerdict(definition, scenario({ harnessError: "boom" })).verdict).toBe("cannot-test");
    expect(
      decideVerdict(definition, scenario({ cannotTest: "module failed to load: x", checks: [] })).reasons,
    ).toEqual(["module failed to load: x"]);
  });

  it("lists skipped optional paths as not tested without changing a holding verdict", () => {
    const result = decideVerdict(
      definition,
      scenario({ checks: [check("a", "pass"), check("a.bridge", "skipped"), check("b", "pass")] }),
    );
    expect(result.verdict).toBe("holds");
    expect(result.notTested).toEqual(["a.bridge: skipped"]);
  });

  it("is cannot-test when a required check was skipped or errored", () => {
    expect(
      decideVerdict(definition, scenario({ checks: [check("a", "skipped"), check("b", "pass")] })).verdict,
    ).toBe("cannot-test");
    expect(
      decideVerdict(
        definition,
        scenario({ checks: [check("a", "error", "harness-error:x"), check("b", "pass")] }),
      ).verdict,
    ).toBe("cannot-test");
  });
});
