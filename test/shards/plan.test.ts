import { describe, expect, it } from "vitest";
import { parseShardIndex, planShards } from "../../src/shards/plan.ts";
import type { TestRoute } from "../../src/shards/route.ts";

const routes: TestRoute[] = [
  { config: "a.config.ts", project: undefined, files: ["a1.test.ts", "a2.test.ts", "a3.test.ts"] },
  { config: "b.config.ts", project: "b", files: ["b1.test.ts"] },
  { config: undefined, project: "c", files: ["c1.test.ts"] },
];

describe("planShards", () => {
  it("never creates a shard without files, even when asked for more shards than files", () => {
    const plans = planShards(routes, 9);
    expect(plans).toHaveLength(5);
    for (const plan of plans) expect(plan.invocations.flatMap((i) => i.files)).toHaveLength(1);
    expect(planShards([], 4)).toEqual([]);
  });

  it("splits files evenly and keeps files of one route in one invocation", () => {
    expect(planShards(routes, 2)).toEqual([
      {
        index: 1,
        invocations: [
          { config: "a.config.ts", project: undefined, files: ["a1.test.ts", "a2.test.ts", "a3.test.ts"] },
        ],
      },
      {
        index: 2,
        invocations: [
          { config: "b.config.ts", project: "b", files: ["b1.test.ts"] },
          { config: undefined, project: "c", files: ["c1.test.ts"] },
        ],
      },
    ]);
  });

  it("runs everything in one shard when asked for one", () => {
    const [only, ...rest] = planShards(routes, 1);
    expect(rest).toEqual([]);
    expect(only?.invocations.map((i) => i.files.length)).toEqual([3, 1, 1]);
  });

  it("assigns every file exactly once", () => {
    for (const count of [1, 2, 3, 4, 5]) {
      const files = planShards(routes, count).flatMap((plan) => plan.invocations.flatMap((i) => i.files));
      expect(files.sort()).toEqual(routes.flatMap((route) => route.files).sort());
    }
  });
});

describe("parseShardIndex", () => {
  it("accepts i/n with 1 <= i <= n and rejects anything else", () => {
    expect(parseShardIndex("2/4")).toEqual({ index: 2, count: 4 });
    for (const bad of ["0/4", "5/4", "2", "a/b", "2/0", "-1/3"]) expect(parseShardIndex(bad)).toBeUndefined();
  });
});
