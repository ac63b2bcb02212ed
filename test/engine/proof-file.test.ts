import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bisectProof } from "../../src/engine/bisect/bisect.ts";
import { compareRefs } from "../../src/engine/compare.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { isProofPath, loadDefinition, shapeProblem } from "../../src/scenario/load-definition.ts";
import { demoHistory } from "../helpers/fixture-history.ts";
import { fixtureRepo, tempDir } from "../helpers/fixture-repo.ts";

// The guide's example, by the relative path its docs use (Vitest runs from the repo root).
const example = "examples/proofs/relay-one-registry.ts";
const exampleFile = fileURLToPath(new URL(`../../${example}`, import.meta.url));

describe("the example proof in examples/proofs, loaded with --proof FILE", () => {
  it("holds on the fixed relay, with its own checks as the summary lines", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const result = await runProof({ repo: repo.root, proof: example, tests: false });
    expect(result).toMatchObject({ verdict: "holds", exitCode: 0 });
    expect(result.proof).toMatchObject({ id: "relay-one-registry", file: exampleFile });
    expect(result.proofLines.slice(-4)).toEqual([
      `[proof] head=${repo.head}`,
      "[proof] registration-visible-across-instances=visible",
      "[proof] unregister-visible-across-instances=gone",
      "[proof] verdict=holds",
    ]);
  });

  it("fails on V1, where each module instance keeps its own registry", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const result = await runProof({ repo: repo.root, proof: example, tests: false });
    expect(result).toMatchObject({ verdict: "fails", exitCode: 1 });
    expect(result.proofLines).toContain("[proof] registration-visible-across-instances=not-visible");
    expect(result.proofLines).toContain("[proof] unregister-visible-across-instances=never-visible");
  });

  it("runs its focused test file with the checkout's Vitest", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const result = await runProof({ repo: repo.root, proof: exampleFile, tests: { shards: 1 } });
    expect(result.verdict).toBe("holds");
    expect(result.tests?.selection.files).toEqual(["src/agents/harness/native-hook-relay.test.ts"]);
    expect(result.tests?.failed).toBe(0);
    expect(result.tests?.passed).toBeGreaterThan(0);
  });

  it("verifies a fix with compare and names the file in each side's command", async () => {
    const { repo, commits } = demoHistory();
    const base = commits["relay: stable ids and a bridge (v1, the bug)"] as string;
    const fix = commits["relay: generations (the fix)"] as string;
    const result = await compareRefs({ repo: repo.root, base, head: fix, proof: example, tests: false });
    expect(result).toMatchObject({ verdict: "fix-verified", proof: { id: "relay-one-registry" } });
    expect(result.base.command).toEqual([
      "relay-proof",
      "run",
      "--ref",
      base,
      "--no-tests",
      "--proof",
      exampleFile,
    ]);
  });

  it("bisects with a relative path: every git bisect step in the worktree gets the absolute one", async () => {
    // This proof checks only the shared registry, so the first commit where it holds is the half fix.
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const bug = repo.head;
    repo.write("README.md", "unrelated\n");
    repo.commit("docs: unrelated");
    repo.useVariant("shared-no-generation");
    const shared = repo.commit("relay: process-global state");
    repo.useVariant("v2-correct");
    const fix = repo.commit("relay: generations (the fix)");
    const result = await bisectProof({ repo: repo.root, good: fix, bad: bug, proof: example });
    expect(result).toMatchObject({ verdict: "found", proof: { id: "relay-one-registry" } });
    expect(result.first).toEqual({ sha: shared, subject: "relay: process-global state" });
    expect(result.reproduce[0]).toBe(`relay-proof run --ref ${shared} --no-tests --proof ${exampleFile}`);
  });
});

describe("proof files outside proofs/", () => {
  // /tmp has no package.json: a .ts file there loads as CommonJS (a default export inside `default`).
  it.each(["exports-register.mjs", "exports-register.ts"])(
    "runs a proof with no imports from %s, in the engine and in the child",
    async (name) => {
      const dir = tempDir();
      const file = join(dir, name);
      writeFileSync(
        file,
        `export default {
        id: "exports-register", title: "The relay module exports registerNativeHookRelay",
        behavior: "A smoke test.", module: { candidates: ["src/agents/harness/native-hook-relay.ts"] },
        requiredChecks: ["register-export"], summaryInfo: [], tests: [],
        async scenario(ctx) {
          const relay = await ctx.load("a");
          await ctx.check({ key: "register-export", expected: "function", required: true }, async () => {
            const type = typeof relay.registerNativeHookRelay;
            return { status: type === "function" ? "pass" : "fail", value: type };
          });
        },
      };\n`,
      );
      const repo = fixtureRepo({ variant: "v0-random-ids" });
      const result = await runProof({ repo: repo.root, proof: file, tests: false });
      expect(result).toMatchObject({ verdict: "holds", proof: { id: "exports-register", file } });
      expect(result.proofLines.at(-2)).toBe("[proof] register-export=function");
    },
  );

  it.each([
    ["is missing", "missing.ts", undefined, /^proof file .*missing\.ts does not exist$/, /relative path/],
    [
      "has no default export",
      "no-default.ts",
      "export const proof = 1;\n",
      /has no default export$/,
      /export default defineProof/,
    ],
    [
      "throws on import",
      "throws.ts",
      'throw new Error("half-written proof");\n',
      /throws on import: half-written proof$/,
      /the proof file.s own code threw while loading/,
    ],
    [
      "is not a proof definition",
      "wrong-shape.mjs",
      'export default { id: "x", title: "X", behavior: "b", module: { candidates: "src/x.ts" } };\n',
      /is not a proof definition: module\.candidates must be an array of paths relative to the repo root$/,
      /docs\/writing-a-proof\.md/,
    ],
  ])(
    "refuses a file that %s with a usage error naming the fix",
    async (_what, name, content, message, hint) => {
      const dir = tempDir();
      const file = join(dir, name);
      if (content !== undefined) writeFileSync(file, content);
      const error = await loadDefinition(file).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "BAD_PROOF", message: expect.stringMatching(message) });
      expect((error as { hint: string }).hint).toMatch(hint);
      expect((error as Error).message).not.toContain("\n");
    },
  );

  it("resolves a relative path from the given directory", async () => {
    const loaded = await loadDefinition("proofs/relay-one-registry.ts", join(exampleFile, "..", ".."));
    expect(loaded).toMatchObject({ file: exampleFile, spec: exampleFile, url: `file://${exampleFile}` });
    expect(loaded.definition.requiredChecks).toHaveLength(2);
  });

  it("keeps ids for proofs/ and reads anything with a slash or a script extension as a file", () => {
    expect(isProofPath("native-hook-relay")).toBe(false);
    for (const spec of ["./p", "dir/p", "p.ts", "p.mts", "p.mjs", "p.js", "p.cjs"])
      expect(isProofPath(spec)).toBe(true);
  });

  it("names the first field that breaks the contract", () => {
    const good = {
      id: "p",
      title: "t",
      behavior: "b",
      module: { candidates: ["m.ts"] },
      requiredChecks: ["k"],
      summaryInfo: [],
      tests: [],
      scenario: async () => {},
    };
    expect(shapeProblem(good)).toBeUndefined();
    expect(shapeProblem(() => {})).toBe("the default export is function, not an object");
    expect(shapeProblem({ ...good, id: "Not An Id" })).toMatch(/^id "Not An Id" must be lower-case/);
    expect(shapeProblem({ ...good, behavior: undefined })).toMatch(/^behavior must be a non-empty string/);
    expect(shapeProblem({ ...good, module: { candidates: [] } })).toBe(
      "module.candidates must name at least one path",
    );
    expect(shapeProblem({ ...good, requiredChecks: [] })).toBe("requiredChecks must name at least one check");
    expect(shapeProblem({ ...good, tests: "a.test.ts" })).toMatch(/^tests must be an array/);
    expect(shapeProblem({ ...good, scenario: "run" })).toMatch(/^scenario must be a function/);
  });
});
