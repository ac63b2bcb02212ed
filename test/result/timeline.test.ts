import { describe, expect, it } from "vitest";
import { createTimeline, longestStages } from "../../src/result/timeline.ts";

describe("the run's timeline", () => {
  it("records a stage's start after the run's origin and its duration, also when the stage throws", async () => {
    const origin = Date.now() - 1000;
    const timeline = createTimeline(origin);
    await timeline.time("ok", async () => "done");
    await expect(
      timeline.time("broken", async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    timeline.add("before the origin", origin - 50, -3);
    expect(timeline.entries.map((entry) => entry.stage)).toEqual(["ok", "broken", "before the origin"]);
    for (const entry of timeline.entries.slice(0, 2)) {
      expect(entry.startMs).toBeGreaterThanOrEqual(1000);
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    }
    // Clamped, never negative.
    expect(timeline.entries[2]).toEqual({ stage: "before the origin", startMs: 0, durationMs: 0 });
  });

  it("names the five longest stages, longest first, the earlier first on a tie", () => {
    const entries = [
      { stage: "a", startMs: 0, durationMs: 10 },
      { stage: "b", startMs: 5, durationMs: 50 },
      { stage: "c", startMs: 1, durationMs: 30 },
      { stage: "d", startMs: 2, durationMs: 30 },
      { stage: "e", startMs: 3, durationMs: 5 },
      { stage: "f", startMs: 4, durationMs: 40 },
      { stage: "g", startMs: 6, durationMs: 1 },
    ];
    expect(longestStages(entries).map((entry) => entry.stage)).toEqual(["b", "f", "c", "d", "a"]);
    expect(longestStages(entries, 2).map((entry) => entry.stage)).toEqual(["b", "f"]);
    expect(longestStages([])).toEqual([]);
  });
});
