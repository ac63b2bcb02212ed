import { describe, expect, it } from "vitest";
import { compareLines, varies } from "../../src/engine/rerun.ts";
import type { ProofResult } from "../../src/result/types.ts";

const run = (lines: string[]) => ({ kind: "run", proofLines: lines }) as unknown as ProofResult;

describe("verify --rerun's line comparison", () => {
  it("skips exactly the keys a proof names in varies, with or without its id or a compare side", () => {
    const keys = new Set(["cli"]);
    expect(varies("cli", keys, ["native-hook-relay"])).toBe(true);
    expect(varies("native-hook-relay.cli", keys, ["native-hook-relay"])).toBe(true);
    expect(varies("head:cli", keys, ["native-hook-relay"])).toBe(true);
    expect(varies("base.cli", keys, ["native-hook-relay"])).toBe(true);
    expect(varies("cli.extra", keys, ["native-hook-relay"])).toBe(false);
    expect(varies("other.cli", keys, ["native-hook-relay"])).toBe(false);
    expect(varies("api", keys, ["native-hook-relay"])).toBe(false);
  });

  it("names every key whose value differs or that only one side has", () => {
    const before = run([
      "[proof] cli=/a/b (ready)",
      "[proof] api=v2",
      "[proof] gone=1",
      "[proof] verdict=holds",
    ]);
    const after = run([
      "[proof] cli=/c/d (ready)",
      "[proof] api=v1",
      "[proof] new=1",
      "[proof] verdict=holds",
    ]);
    expect(compareLines(before, after, new Set(["cli"]), ["native-hook-relay"])).toEqual({
      compared: 4,
      varied: ["cli"],
      differences: [
        { key: "api", receipt: "v2", rerun: "v1" },
        { key: "gone", receipt: "1", rerun: undefined },
        { key: "new", receipt: undefined, rerun: "1" },
      ],
    });
  });
});
