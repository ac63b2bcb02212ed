// The focused tests start beside the scenario: what they say is held back until the scenario gives a
// verdict, and they are stopped (and awaited) when it cannot test, so a run reads and ends as before.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { startEarly } from "../../src/engine/early-tests.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import type { ShardEvent } from "../../src/shards/run-tests.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

const started: ShardEvent = { type: "start", index: 1, count: 1, files: 1 };

describe("startEarly", () => {
  it("holds back progress and shard events until keep(), then says them in order", async () => {
    const said: string[] = [];
    let finish: (value: string) => void = () => {};
    const early = startEarly(
      (hooks) => {
        hooks.onProgress("running the focused tests");
        hooks.onShard(started);
        return new Promise<string>((resolve) => {
          finish = resolve;
        });
      },
      { onProgress: (message) => said.push(message), onShard: (event) => said.push(`shard ${event.type}`) },
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(said).toEqual([]);
    said.push("the scenario's last line");
    const kept = early.keep();
    finish("tests result");
    expect(await kept).toBe("tests result");
    expect(said).toEqual(["the scenario's last line", "running the focused tests", "shard start"]);
  });

  it("stops the tests on drop(), says nothing of theirs, and waits for them to end", async () => {
    const said: string[] = [];
    let ended = false;
    const early = startEarly(
      (hooks) => {
        hooks.onProgress("running the focused tests");
        return new Promise<never>((_, reject) => {
          hooks.signal.addEventListener("abort", () => {
            setTimeout(() => {
              ended = true;
              reject(new Error("interrupted"));
            }, 20);
          });
        });
      },
      { onProgress: (message) => said.push(message) },
    );
    await early.drop();
    expect(ended).toBe(true);
    expect(said).toEqual([]);
  });

  it("stops the tests when the run's own signal aborts", async () => {
    const outer = new AbortController();
    let seen: AbortSignal | undefined;
    const early = startEarly(
      (hooks) => {
        seen = hooks.signal;
        return new Promise<string>(() => {});
      },
      { signal: outer.signal },
    );
    outer.abort();
    expect(seen?.aborted).toBe(true);
    void early;
  });
});

describe("a run's focused tests beside its scenario", () => {
  it("start before the scenario ends, and are said after its lines", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const progress: string[] = [];
    const result = await runProof({ repo: repo.root, onProgress: (message) => progress.push(message) });
    expect(result.verdict).toBe("holds");
    expect(result.tests?.shards.length).toBeGreaterThan(0);
    const stage = (name: string) => result.timeline?.find((entry) => entry.stage === name);
    const scenario = stage("scenario");
    const tests = stage("tests");
    expect(scenario && tests).toBeTruthy();
    // Side by side: the tests began before the scenario was done.
    expect((tests?.startMs ?? 0) < (scenario?.startMs ?? 0) + (scenario?.durationMs ?? 0)).toBe(true);
    const firstTestsLine = progress.indexOf("running the focused tests");
    const lastCheckLine = progress.findLastIndex((message) => message.includes("(pass)"));
    expect(firstTestsLine).toBeGreaterThan(lastCheckLine);
  });

  it("are stopped and not reported when the scenario cannot test, and leave no Vitest running", async () => {
    const repo = fixtureRepo({ moduleSource: 'throw new Error("boom at import");\nexport {};\n' });
    const progress: string[] = [];
    const result = await runProof({ repo: repo.root, onProgress: (message) => progress.push(message) });
    expect(result.verdict).toBe("cannot-test");
    expect(result.tests).toBeUndefined();
    expect(progress.filter((message) => /focused tests|^shard /.test(message))).toEqual([]);
    const running = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.includes(repo.root) && line.includes("vitest"));
    expect(running).toEqual([]);
  });
});
