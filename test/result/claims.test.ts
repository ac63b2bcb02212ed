import { describe, expect, it } from "vitest";
import { claimResults } from "../../src/result/claims.ts";
import type { CheckResult } from "../../src/scenario/run-scenario.ts";

function check(key: string, status: CheckResult["status"], value = "0"): CheckResult {
  return { key, status, value, expected: "0", required: false, durationMs: 1 };
}

const claims = [
  { id: "paths", text: "It answers on every path.", evidence: ["x", "x.bridge", "x.command"] },
  { id: "state", text: "Every piece is shared.", evidence: ["shared.*"] },
];

describe("claimResults", () => {
  it("holds a claim only when every evidence line that applies passed", () => {
    const results = claimResults(claims, [
      check("x", "pass"),
      check("x.bridge", "pass"),
      check("x.command", "pass"),
      check("shared.a", "pass", "yes"),
      check("shared.b", "absent", "absent(no b)"),
    ]);
    expect(results.map((claim) => claim.status)).toEqual(["holds", "holds"]);
    expect(results[1]?.evidence).toEqual([
      { key: "shared.a", value: "yes", status: "pass" },
      { key: "shared.b", value: "absent(no b)", status: "absent" },
    ]);
  });

  it("fails a claim on one failing or unsupported line, whatever else passed", () => {
    const results = claimResults(claims, [
      check("x", "pass"),
      check("x.bridge", "unsupported", "unsupported(v1)"),
      check("x.command", "pass"),
      check("shared.a", "fail", "no(per instance)"),
    ]);
    expect(results.map((claim) => claim.status)).toEqual(["fails", "fails"]);
  });

  it("calls a claim partly tested when some paths were skipped or timed out, and not tested when none passed", () => {
    const partly = claimResults(claims, [check("x", "pass"), check("x.bridge", "skipped", "skipped")]);
    // x.command never ran: it is listed as missing evidence.
    expect(partly[0]).toMatchObject({ status: "partly-tested" });
    expect(partly[0]?.evidence.at(-1)).toEqual({ key: "x.command", value: "not-run", status: "missing" });
    const none = claimResults(claims, [check("x", "cannot-test", "cannot-test(timed out)")]);
    expect(none.map((claim) => claim.status)).toEqual(["not-tested", "not-tested"]);
  });
});
