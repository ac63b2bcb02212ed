// Bisect's shortcut over generated histories: a commit's result is a function of the files its
// scenario loads (the model), and the search with the shortcut must give the answer the plain search
// gives (itself checked against git bisect in kary.test.ts), with no more scenario runs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Closure, identicalSpan, type PathChange, touches } from "../../../src/engine/bisect/closure.ts";
import { karySearch, type Mark } from "../../../src/engine/bisect/kary.ts";

/** What one generated commit does. */
type Kind =
  | "readme" // a file nothing loads
  | "notes" // a file next to the loaded ones that nothing imports
  | "module" // a harmless edit of the loaded module
  | "helper" // a harmless edit of a loaded helper
  | "extra" // a harmless edit of a file loaded only once the module imports it
  | "import" // the module starts importing the extra file
  | "flag" // the behaviour changes (in the file `flagIn` names)
  | "break" // the module stops loading
  | "restore"; // it loads again

const files = {
  module: "src/relay.ts",
  helper: "src/relay/state.ts",
  extra: "src/relay/extra.ts",
  notes: "src/relay/NOTES.md",
  readme: "README.md",
};

interface Model {
  range: string[];
  changes: Map<string, PathChange[]>;
  /** The result at each index (-1: the old endpoint). */
  markAt: (index: number) => Mark;
  closureAt: (index: number) => Closure;
}

function closureOf(read: string[]): Closure {
  return {
    read: new Set(read),
    probed: new Set(),
    listed: new Set(),
    anchored: new Set(["."]),
    stems: new Set(read.map((path) => path.replace(/\.ts$/, ""))),
  };
}

/**
 * Simulate the history: each file's content is its version, the flag sits in one file, and a
 * commit's result depends only on the files it loads. The last commit is the new endpoint: it must
 * be new, so the history ends with a flag commit when none came.
 */
function simulate(kinds: Kind[], flagIn: "module" | "helper" | "extra"): Model | undefined {
  let imports = false;
  let broken = false;
  let flagged: Record<string, boolean> = { module: false, helper: false, extra: false };
  const states: { imports: boolean; broken: boolean; flagged: Record<string, boolean> }[] = [];
  const changes = new Map<string, PathChange[]>();
  const range: string[] = [];
  kinds.forEach((kind, index) => {
    const sha = `c${index}`;
    range.push(sha);
    const touched: PathChange[] = [];
    const edit = (key: keyof typeof files, status = "M") => touched.push({ status, path: files[key] });
    switch (kind) {
      case "readme":
      case "notes":
      case "module":
      case "helper":
        edit(kind);
        break;
      case "extra":
        edit("extra", index === 0 ? "A" : "M");
        break;
      case "import":
        imports = true;
        edit("module");
        break;
      case "flag":
        flagged = { ...flagged, [flagIn]: true };
        edit(flagIn);
        break;
      case "break":
        broken = true;
        edit("module");
        break;
      case "restore":
        broken = false;
        edit("module");
        break;
    }
    changes.set(sha, touched);
    states.push({ imports, broken, flagged });
  });
  const start = { imports: false, broken: false, flagged: { module: false, helper: false, extra: false } };
  const stateAt = (index: number) => (index === -1 ? start : (states[index] as typeof start));
  const markAt = (index: number): Mark => {
    const state = stateAt(index);
    if (state.broken) return "skip";
    const loaded = state.flagged.module || state.flagged.helper || (state.imports && state.flagged.extra);
    return loaded ? "new" : "old";
  };
  if (markAt(range.length - 1) !== "new") return undefined;
  const closureAt = (index: number) => {
    const state = stateAt(index);
    return closureOf([files.module, files.helper, ...(state.imports ? [files.extra] : [])]);
  };
  return { range, changes, markAt, closureAt };
}

async function search(model: Model, jobs: number, shortcut: boolean) {
  let runs = 0;
  const result = await karySearch({
    range: model.range,
    jobs,
    older: "old-endpoint",
    test: async (sha) => {
      runs += 1;
      return model.markAt(model.range.indexOf(sha));
    },
    ...(shortcut
      ? {
          same: async (index: number) =>
            identicalSpan(model.range, model.changes, index, model.closureAt(index)),
          relevant: (index: number) =>
            (model.changes.get(model.range[index] as string) ?? []).some((change) =>
              touches(model.closureAt(index), change),
            ),
        }
      : {}),
  });
  return { ...result, counted: runs };
}

const kinds = fc.constantFrom<Kind>(
  "readme",
  "readme",
  "readme",
  "notes",
  "module",
  "helper",
  "extra",
  "import",
  "flag",
  "break",
  "restore",
);

describe("bisect's shortcut on generated histories", () => {
  it("finds what the plain search finds, with fewer scenario runs in all and at most one round more on any history", async () => {
    const totals = { fast: 0, plain: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(kinds, { minLength: 1, maxLength: 80 }),
        fc.constantFrom<"module" | "helper" | "extra">("module", "helper", "extra"),
        fc.integer({ min: 1, max: 3 }),
        async (history, flagIn, jobs) => {
          const model = simulate([...history, "restore", "flag"], flagIn);
          if (!model) return;
          const plain = await search(model, jobs, false);
          const fast = await search(model, jobs, true);
          expect({ first: fast.first, candidates: fast.candidates }).toEqual({
            first: plain.first,
            candidates: plain.candidates,
          });
          expect(fast.runs).toBe(fast.counted);
          // Untestable commits are edits of loaded files too, so the shortcut's picks may meet more of
          // them than the plain search's do: run counts are compared on histories without them. On
          // one short history the shortcut's picks (spread over fewer commits) may land less luckily
          // than the plain search's; over all of them it runs fewer.
          if (!history.includes("break")) {
            expect(fast.runs).toBeLessThanOrEqual(plain.runs + jobs);
            totals.fast += fast.runs;
            totals.plain += plain.runs;
          }
          // Every commit it decided without running has the mark a run would have given.
          for (const step of fast.tested.filter((t) => t.identicalTo !== undefined)) {
            expect(step.mark).toBe(model.markAt(model.range.indexOf(step.sha)));
          }
        },
      ),
      { numRuns: 1000 },
    );
    // Measured: ~1100-1200 runs against ~1400-1500.
    expect(totals.fast).toBeLessThan(totals.plain * 0.9);
  });

  it("runs the scenario only where a loaded file changed, on a long history of unrelated commits", async () => {
    const history: Kind[] = Array.from({ length: 800 }, (_, i) =>
      i === 611 ? "flag" : i % 97 === 5 ? "helper" : "readme",
    );
    const model = simulate(history, "helper") as Model;
    const plain = await search(model, 2, false);
    const fast = await search(model, 2, true);
    expect(fast.first).toBe("c611");
    expect(plain.first).toBe("c611");
    // 9 helper edits and the flag: the shortcut tests a few of those 10, the plain search ~log3(800).
    expect(fast.runs).toBeLessThan(plain.runs);
    expect(fast.runs).toBeLessThanOrEqual(4);
  });

  it("turns itself off when a tested commit contradicts it, and still finds the plain answer", async () => {
    // A closure that leaves out the file the behaviour is in (an incomplete record).
    const model = simulate(["readme", "helper", "readme", "flag", "readme", "readme"], "helper") as Model;
    const blind = { ...model, closureAt: () => closureOf([files.module]) };
    const contradictions: string[] = [];
    const fast = await karySearch({
      range: blind.range,
      jobs: 1,
      test: async (sha) => blind.markAt(blind.range.indexOf(sha)),
      same: async (index) => identicalSpan(blind.range, blind.changes, index, blind.closureAt()),
      onContradiction: (sha) => contradictions.push(sha),
    });
    const plain = await search(model, 1, false);
    expect(contradictions.length).toBeGreaterThan(0);
    expect(fast.candidates).toEqual(plain.candidates);
  });
});
