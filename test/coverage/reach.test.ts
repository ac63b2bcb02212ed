import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { missingImports, noReachFacts, type ReachFacts, unreachedReason } from "../../src/coverage/reach.ts";
import { tempDir } from "../helpers/fixture-repo.ts";

const file = "extensions/codex/src/app-server/run-attempt.ts";
const facts = (over: Partial<ReachFacts>): ReachFacts => ({ ...noReachFacts, ...over });

describe("why the proof did not reach a changed file", () => {
  it("says nothing of a file the scenario ran all of, even one a proof declares out of reach", () => {
    const declared = { [file]: "needs a whole Codex attempt" };
    expect(
      unreachedReason(file, facts({ declared }), { lines: 3, scenario: 3, loaded: true }),
    ).toBeUndefined();
  });

  it("gives a proof's declared reason for a file it ran part or none of", () => {
    const declared = { [file]: "needs a whole Codex attempt" };
    for (const scenario of [0, 1])
      expect(unreachedReason(file, facts({ declared }), { lines: 3, scenario, loaded: true })).toBe(
        "needs a whole Codex attempt",
      );
  });

  it("says nothing more of a file it ran part of without a declared reason", () => {
    expect(unreachedReason(file, noReachFacts, { lines: 3, scenario: 1, loaded: true })).toBeUndefined();
  });

  it("tells a file that loaded but ran none of its changed lines from one that never loaded", () => {
    expect(unreachedReason(file, noReachFacts, { lines: 3, scenario: 0, loaded: true })).toBe(
      "loaded, but none of its changed lines ran",
    );
    expect(unreachedReason(file, noReachFacts, { lines: 3, scenario: 0, loaded: false })).toBe(
      "not loaded by the scenario or its hook commands",
    );
  });

  it("names a bundle without maps, or hook commands that did not run, as the cause", () => {
    const counts = { lines: 2, scenario: 0, loaded: false };
    expect(
      unreachedReason(file, facts({ unmappedBundles: { files: 4, why: "no maps asked" } }), counts),
    ).toBe(
      "not loaded by the scenario; the hook commands ran 4 build output file(s) without source maps (no maps asked), so their lines of it are not counted",
    );
    expect(
      unreachedReason(file, facts({ cli: { state: "none", detail: "no dist/; run with --build" } }), counts),
    ).toBe("not loaded by the scenario; the hook commands did not run (no dist/; run with --build)");
  });

  it("finds the relative imports a commit lacks (a `.js` specifier is its `.ts` file) and names them first", () => {
    const root = tempDir("relay-proof-reach-");
    mkdirSync(join(root, "src"));
    writeFileSync(join(root, "src", "present.ts"), "export const a = 1;\n");
    const path = join(root, "src", "run-attempt.ts");
    const text = [
      'import { a } from "./present.js";',
      'import { b } from "./attempt-timeouts.js";',
      'export { c } from "../elsewhere.ts";',
      'const d = await import("./lazy.js");',
      'import { e } from "node:fs";',
    ].join("\n");
    const missing = missingImports(path, text);
    expect(missing).toEqual(["./attempt-timeouts.js", "../elsewhere.ts", "./lazy.js"]);
    const declared = { [file]: "needs a whole Codex attempt" };
    expect(
      unreachedReason(file, facts({ declared }), {
        lines: 2,
        scenario: 0,
        loaded: false,
        missingImports: missing,
      }),
    ).toBe(
      "cannot load at this commit: it imports ./attempt-timeouts.js, ../elsewhere.ts, ./lazy.js, which the commit does not have",
    );
  });
});
