import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fastImport } from "../../../fixtures/build-long-history.ts";
import { git } from "../../../src/checkout/git.ts";
import { linearRange, parseBisectRun } from "../../../src/engine/bisect/bisect.ts";
import { assignSlots, karySearch, type Mark, pickPoints } from "../../../src/engine/bisect/kary.ts";
import { bisectReplay } from "../../../src/engine/bisect/replay.ts";
import { tempDir } from "../../helpers/fixture-repo.ts";

const markOf: Record<string, Mark> = { o: "old", n: "new", s: "skip" };

/**
 * A repo whose commits carry their mark in a file: the first commit is the old endpoint ("o"), then
 * one commit per letter of `pattern` (o old, n new, s untestable), the last one the new endpoint.
 */
function markedHistory(pattern: string): { root: string; old: string; range: string[] } {
  const root = tempDir("relay-proof-marks-repo-");
  const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
  const run = (args: string[]) => execFileSync("git", args, { cwd: root, env, stdio: "ignore" });
  run(["init", "--quiet", "--initial-branch=main"]);
  run(["config", "gc.auto", "0"]);
  execFileSync("git", ["commit", "--quiet", "--allow-empty", "-m", "old endpoint"], {
    cwd: root,
    env: {
      ...env,
      GIT_AUTHOR_NAME: "F",
      GIT_AUTHOR_EMAIL: "f@x",
      GIT_COMMITTER_NAME: "F",
      GIT_COMMITTER_EMAIL: "f@x",
    },
  });
  const old = fastImport(root, [{ message: "old endpoint state", files: { state: "o\n" } }])[0] as string;
  const range = fastImport(
    root,
    [...pattern].map((letter, index) => ({
      message: `commit ${index} (${letter})`,
      files: { state: `${letter}\n` },
    })),
  );
  return { root, old, range };
}

/** What `git bisect run` answers on a marked history (standard good/bad terms: old = good). */
async function gitBisectAnswer(root: string, old: string, bad: string) {
  const begun = await git(root, ["bisect", "start", bad, old]);
  let answer = parseBisectRun(begun.stdout);
  if (!answer.first) {
    const script = 'case "$(cat state)" in o) exit 0;; n) exit 1;; *) exit 125;; esac';
    const run = await git(root, ["bisect", "run", "sh", "-c", script]);
    answer = parseBisectRun(run.stdout);
  }
  await git(root, ["bisect", "reset"]);
  return answer;
}

const outcomeOf = { old: "holds", new: "fails", skip: "skipped" } as const;

/** What `git bisect replay` concludes from a replay written to a file. */
async function replayIn(root: string, input: Parameters<typeof bisectReplay>[0]) {
  const file = join(tempDir(), "replay");
  writeFileSync(file, `${bisectReplay(input).join("\n")}\n`);
  const replayed = await git(root, ["bisect", "replay", file]);
  await git(root, ["bisect", "reset"]);
  return parseBisectRun(replayed.stdout);
}

/** Deterministic pseudo-random histories: a boundary, and runs of untestable commits on both sides. */
function generatedPatterns(count: number): string[] {
  let seed = 11;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const patterns: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 2 + Math.floor(next() * 70);
    const boundary = Math.floor(next() * length);
    const skipRate = next() * 0.5;
    let pattern = "";
    for (let j = 0; j < length - 1; j++) pattern += next() < skipRate ? "s" : j < boundary ? "o" : "n";
    patterns.push(`${pattern}n`);
  }
  return patterns;
}

describe("pickPoints", () => {
  it("cuts the untested commits into k+1 near-equal parts, or takes them all when they are few", () => {
    expect(pickPoints([0, 1, 2, 3, 4], 1)).toEqual([2]);
    expect(pickPoints([0, 1, 2, 3, 4], 2)).toEqual([1, 3]);
    expect(pickPoints([0, 1, 2, 3, 4, 5, 6, 7], 2)).toEqual([2, 5]);
    expect(pickPoints([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)).toEqual([2, 5, 8]);
    expect(pickPoints([4, 9], 3)).toEqual([4, 9]);
  });
});

describe("assignSlots", () => {
  it("sends each pick to the nearest free tree, a tree not yet used last, the lowest slot on a tie", () => {
    // The newer endpoint's tree in slot 0, the older one's in slot 1: picks go uncrossed.
    expect(assignSlots([199, 399], [599, -1], 2)).toEqual([1, 0]);
    expect(assignSlots([10, 20], [15, 15], 2)).toEqual([0, 1]);
    expect(assignSlots([5, 50, 500], [], 3)).toEqual([0, 1, 2]);
    expect(assignSlots([5, 50], [undefined, 40, 6], 3)).toEqual([2, 1]);
    expect(assignSlots([7], [3, 8], 2)).toEqual([1]);
  });
});

describe("karySearch", () => {
  it("tests each round's picks on the trees nearest them", async () => {
    const range = Array.from({ length: 600 }, (_, index) => `c${index}`);
    const where: (number | undefined)[] = [599, -1];
    const moves: number[] = [];
    await karySearch({
      range,
      jobs: 2,
      at: where,
      test: async (sha, slot) => {
        const index = Number(sha.slice(1));
        moves.push(Math.abs((where[slot] as number) - index));
        where[slot] = index;
        return index >= 397 ? "new" : "old";
      },
    });
    // Round 1 from the endpoints' trees to commits 199 and 399: 200 commits each, not 400 each.
    expect(moves.slice(0, 2).sort()).toEqual([200, 200]);
  });

  it("narrows 600 commits down to one in at most 6 rounds on 2 workers", async () => {
    const range = Array.from({ length: 600 }, (_, index) => `c${index}`);
    const outcome = await karySearch({
      range,
      jobs: 2,
      test: async (sha) => (Number(sha.slice(1)) >= 397 ? "new" : "old"),
    });
    expect(outcome.first).toBe("c397");
    expect(outcome.rounds).toBeLessThanOrEqual(6);
    expect(outcome.tested.filter((step) => step.round === 1)).toHaveLength(2);
  });

  it("never gives a slot two commits at once", async () => {
    const busy = new Set<number>();
    const range = Array.from({ length: 100 }, (_, index) => `c${index}`);
    await karySearch({
      range,
      jobs: 3,
      test: async (sha, slot) => {
        expect(busy.has(slot)).toBe(false);
        busy.add(slot);
        await new Promise((resolve) => setImmediate(resolve));
        busy.delete(slot);
        return Number(sha.slice(1)) >= 41 ? "new" : "old";
      },
    });
  });

  it("keeps the answer a real boundary when the history flips back and forth", async () => {
    // new at 2, old again at 5: the answer is the first new after the last old below it.
    const marks: Mark[] = ["old", "old", "new", "new", "new", "old", "new", "new"];
    const range = marks.map((_, index) => `c${index}`);
    const outcome = await karySearch({
      range,
      jobs: 7,
      test: async (sha) => marks[Number(sha.slice(1))] as Mark,
    });
    expect(outcome.first).toBe("c2");
  });

  it("lets every test of a round finish before it throws the round's error", async () => {
    const finished: string[] = [];
    const range = Array.from({ length: 10 }, (_, index) => `c${index}`);
    await expect(
      karySearch({
        range,
        jobs: 3,
        test: async (sha) => {
          if (sha === "c2") throw new Error("usage");
          await new Promise((resolve) => setTimeout(resolve, 20));
          finished.push(sha);
          return "old";
        },
      }),
    ).rejects.toThrow("usage");
    expect(finished).toHaveLength(2);
  });
});

describe("karySearch beside the endpoint checks (speculative round 1)", () => {
  it("starts round 1 before the endpoints are verified and marks nothing until they are", async () => {
    const range = Array.from({ length: 600 }, (_, index) => `c${index}`);
    let verify: () => void = () => {};
    const verified = new Promise<void>((resolve) => {
      verify = resolve;
    });
    const started: string[] = [];
    const asked: number[] = [];
    let isVerified = false;
    const outcome = karySearch({
      range,
      jobs: 2,
      speculative: { verified, jobs: 3 },
      test: async (sha) => {
        started.push(sha);
        return Number(sha.slice(1)) >= 397 ? "new" : "old";
      },
      same: async (index) => {
        // The shortcut is asked only about verified endpoints and the commits tested after them.
        expect(isVerified).toBe(true);
        asked.push(index);
        return undefined;
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Round 1 runs on its own width (3), spread over the whole range, while the checks run.
    expect(started).toEqual(["c149", "c299", "c449"]);
    expect(asked).toEqual([]);
    isVerified = true;
    verify();
    const done = await outcome;
    expect(done.first).toBe("c397");
    expect(asked.slice(0, 2)).toEqual([599, -1]);
    expect(done.tested.filter((step) => step.round === 1)).toHaveLength(3);
    expect(done.tested.filter((step) => step.round === 2)).toHaveLength(2);
  });

  it("throws the endpoints' error, not a round's, once every test of the round has finished", async () => {
    const finished: string[] = [];
    const range = Array.from({ length: 10 }, (_, index) => `c${index}`);
    const verified = new Promise((_, reject) => setTimeout(() => reject(new Error("--good fails")), 5));
    await expect(
      karySearch({
        range,
        jobs: 3,
        speculative: { verified, jobs: 3 },
        test: async (sha) => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          finished.push(sha);
          if (sha === "c2") throw new Error("a step's usage error");
          return "old";
        },
      }),
    ).rejects.toThrow("--good fails");
    expect(finished).toHaveLength(3);
  });

  it("waits for the endpoints when nothing lies between them", async () => {
    const verified = Promise.reject(new Error("--bad holds"));
    await expect(
      karySearch({ range: ["c0"], jobs: 2, speculative: { verified, jobs: 2 }, test: async () => "new" }),
    ).rejects.toThrow("--bad holds");
  });
});

describe("k-ary search and git bisect run agree", () => {
  const handWritten = [
    "n",
    "sn",
    "on",
    "ooooooooooooooooooon",
    "nnnnnnnnnnnnnnnnnnnn",
    "ssssssssn",
    "ooooooosssssnnnnnnn",
    "ooossosonnsnnsn",
    "oosnsnsnsnsn",
    "osososososossssssssn",
    "ooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooossn",
  ];
  const cases = [...handWritten, ...generatedPatterns(16)];

  it.each(cases.map((pattern) => [pattern]))(
    "on the marked history %s, for 1 to 4 workers with and without a speculative round 1, and git bisect replay of its marks agrees",
    async (pattern) => {
      const { root, old, range } = markedHistory(pattern);
      const bad = range.at(-1) as string;
      const expected = await gitBisectAnswer(root, old, bad);
      expect(expected.candidates.length).toBeGreaterThan(0);
      const marks = new Map(range.map((sha, index) => [sha, markOf[pattern[index] as string] as Mark]));
      const ways = [1, 2, 3, 4].flatMap((jobs) => [
        { jobs, speculative: undefined },
        // Round 1 beside the endpoint checks (verified at once), on as many slots as the rounds after.
        { jobs, speculative: { verified: Promise.resolve(), jobs } },
      ]);
      for (const { jobs, speculative } of ways) {
        const outcome = await karySearch({
          range,
          jobs,
          speculative,
          test: async (sha) => marks.get(sha) as Mark,
        });
        expect({ jobs, first: outcome.first, candidates: [...outcome.candidates].sort() }).toEqual({
          jobs,
          first: expected.first,
          candidates: [...expected.candidates].sort(),
        });
        const replayed = await replayIn(root, {
          direction: "broke",
          good: old,
          bad,
          steps: outcome.tested.map((step) => ({ sha: step.sha, outcome: outcomeOf[step.mark] })),
        });
        expect({ jobs, replayed: replayed.candidates.sort() }).toEqual({
          jobs,
          replayed: [...expected.candidates].sort(),
        });
      }
    },
  );
});

describe("linearRange", () => {
  it("lists the commits after the older endpoint, oldest first, and refuses a range with a merge", async () => {
    const { root, old, range } = markedHistory("oon");
    expect((await linearRange(root, old, range[2] as string))?.map((commit) => commit.sha)).toEqual(range);
    expect((await linearRange(root, old, range[2] as string))?.[0]?.subject).toBe("commit 0 (o)");
    const env = {
      GIT_AUTHOR_NAME: "F",
      GIT_AUTHOR_EMAIL: "f@x",
      GIT_COMMITTER_NAME: "F",
      GIT_COMMITTER_EMAIL: "f@x",
    };
    await git(root, ["checkout", "--quiet", "-b", "side", old]);
    await git(root, ["commit", "--quiet", "--allow-empty", "-m", "side"], env);
    await git(root, ["checkout", "--quiet", "main"]);
    const merged = await git(
      root,
      ["merge", "--quiet", "--no-edit", "--allow-unrelated-histories", "side"],
      env,
    );
    expect(merged.ok).toBe(true);
    const head = (await git(root, ["rev-parse", "HEAD"])).stdout;
    expect(await linearRange(root, old, head)).toBeUndefined();
  });
});
