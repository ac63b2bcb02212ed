import { describe, expect, it } from "vitest";
import * as entry from "../src/index.ts";

describe("the package entry", () => {
  it("exports defineProof, which returns the definition unchanged", () => {
    const definition = {
      id: "p",
      title: "t",
      behavior: "b",
      module: { candidates: ["m.ts"] },
      requiredChecks: ["k"],
      summaryInfo: [],
      tests: [],
      scenario: async () => {},
    };
    expect(entry.defineProof(definition)).toBe(definition);
  });

  it("exports the library functions behind the commands, and nothing it does not document", () => {
    expect(Object.keys(entry).sort()).toEqual([
      "bisectProof",
      "compareRefs",
      "defineProof",
      "isRelayProofError",
      "mergeResults",
      "runDemo",
      "runProof",
      "verifyReceipt",
    ]);
  });

  it("forwards each call to its engine, typed errors included", async () => {
    await expect(entry.runProof({ repo: "/nonexistent", proof: "no-such-proof" })).rejects.toMatchObject({
      code: "UNKNOWN_PROOF",
    });
    expect(entry.isRelayProofError(new Error("plain"))).toBe(false);
  });
});
