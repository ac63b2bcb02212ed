import { describe, expect, it } from "vitest";
import { renderJunit } from "../../src/reports/junit.ts";
import { normalize, sampleResult } from "../helpers/sample-result.ts";

describe("renderJunit", () => {
  it("writes one test case per check, failures with their message", async () => {
    const result = await sampleResult("v1-module-local");
    const xml = renderJunit(result);
    expect(normalize(xml, result)).toMatchSnapshot();
    expect(xml).toContain('<failure message="error:native hook relay not found (expected 0)"/>');
    expect(xml.match(/<testcase /g)).toHaveLength(result.scenario.checks.length);
    expect(result.scenario.checks.length).toBe(26);
  });
});
