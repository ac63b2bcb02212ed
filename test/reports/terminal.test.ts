import { describe, expect, it } from "vitest";
import { renderTerminal } from "../../src/reports/terminal.ts";
import { normalize, sampleResult } from "../helpers/sample-result.ts";

describe("renderTerminal", () => {
  it("prints the checks, the verdict and then the proof lines last", async () => {
    const result = await sampleResult("v1-module-local");
    const output = renderTerminal(result);
    expect(normalize(output, result)).toMatchSnapshot();
    expect(output.trimEnd().split("\n").at(-1)).toBe("[proof] verdict=fails");
  });
});
