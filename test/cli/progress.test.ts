import { describe, expect, it } from "vitest";
import { createProgress } from "../../src/cli/progress.ts";

describe("createProgress", () => {
  it("prints plain lines in CI and pipes, shard lines included", () => {
    let out = "";
    const progress = createProgress((text) => {
      out += text;
    }, false);
    progress.line("routing 5 test files");
    progress.shard({ type: "start", index: 1, count: 2, files: 3 });
    progress.line("shard 1/2: 3 files, agents");
    progress.stop();
    expect(out).toBe("relay-proof: routing 5 test files\nrelay-proof: shard 1/2: 3 files, agents\n");
  });

  it("redraws one status line on a terminal and ends it with a newline", () => {
    let out = "";
    const progress = createProgress((text) => {
      out += text;
    }, true);
    progress.shard({ type: "start", index: 1, count: 2, files: 3 });
    progress.line("shard 1/2: 3 files, agents");
    progress.shard({ type: "end", index: 1, count: 2, passed: 3, failed: 0, total: 3, durationMs: 10 });
    progress.stop();
    expect(out).toBe(
      "\r\u001b[Krelay-proof: tests 0/2 shards done, 0 passed, 0 failed; running #1 (0 s)" +
        "\r\u001b[Krelay-proof: tests 1/2 shards done, 3 passed, 0 failed (0 s)\n",
    );
  });
});
