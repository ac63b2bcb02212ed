import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { fixtureRepo, leftoversIn, tempDir } from "../helpers/fixture-repo.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const example = join(root, "examples", "proofs", "relay-one-registry.ts");

describe("--proof FILE (end to end)", () => {
  it("runs a repo's own proof that imports defineProof from the installed relay-proof", async () => {
    // A repo of its own, with relay-proof in its node_modules, as `npm install -D relay-proof` leaves it.
    const own = tempDir();
    mkdirSync(join(own, "node_modules"));
    symlinkSync(root, join(own, "node_modules", "relay-proof"), "dir");
    writeFileSync(join(own, "package.json"), '{ "type": "module" }\n');
    const proof = join(own, "proofs", "one-registry.ts");
    mkdirSync(join(own, "proofs"));
    const source = readFileSync(example, "utf8");
    writeFileSync(proof, source.replace('from "../../src/index.ts"', 'from "relay-proof"'));
    expect(readFileSync(proof, "utf8")).toContain(
      'import { defineProof, type ScenarioContext } from "relay-proof";',
    );

    const repo = fixtureRepo();
    const tmp = tempDir();
    const run = await runCli(
      ["run", "--repo", repo.root, "--proof", "proofs/one-registry.ts", "--no-tests"],
      {
        cwd: own,
        env: { TMPDIR: tmp },
      },
    );
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain("relay-proof: running relay-one-registry with Node");
    expect(run.stdout).toMatch(/^relay-proof relay-one-registry: Native hook relay: one registry/);
    expect(run.stdout.trimEnd().split("\n").slice(-3)).toEqual([
      "[proof] registration-visible-across-instances=visible",
      "[proof] unregister-visible-across-instances=gone",
      "[proof] verdict=holds",
    ]);
    expect(leftoversIn(tmp)).toEqual([]);
  });

  it("fails (exit 1) with the example proof on the V1 relay", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const run = await runCli(["run", "--repo", repo.root, "--proof", example, "--no-tests", "--quiet"]);
    expect(run).toMatchObject({ exitCode: 1, stderr: "" });
    expect(run.stdout).toContain("[proof] registration-visible-across-instances=not-visible\n");
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("[proof] verdict=fails");
  });

  it("checks proof files with `relay-proof proofs FILE`", async () => {
    const run = await runCli(["proofs", example]);
    expect(run).toEqual({
      exitCode: 0,
      stderr: "",
      stdout: [
        "relay-one-registry  Native hook relay: one registry shared by every module instance",
        `  file:   ${example}`,
        "  module: src/agents/harness/native-hook-relay.ts",
        "  tests:  1 focused files",
        "",
      ].join("\n"),
    });
  });

  const bad: [string, string, string | undefined, string][] = [
    ["is missing", "missing.ts", undefined, "does not exist (check the path; a relative path is resolved"],
    [
      "has no default export",
      "no-default.ts",
      "export const proof = {};\n",
      "has no default export (end it with: export default defineProof({ id, title, ... }))",
    ],
    ["throws on import", "throws.mjs", 'throw new Error("boom");\n', "throws on import: boom (run "],
    [
      "has the wrong shape",
      "shape.ts",
      'export default { id: "x", title: "X", behavior: "b", module: { candidates: ["m.ts"] }, requiredChecks: "k" };\n',
      "is not a proof definition: requiredChecks must be an array of check keys (see docs/writing-a-proof.md)",
    ],
  ];
  it.each(bad)(
    "exits 2 with one line naming the fix when the proof file %s",
    async (_what, name, content, says) => {
      const dir = tempDir();
      const file = join(dir, name);
      if (content !== undefined) writeFileSync(file, content);
      const repo = fixtureRepo();
      const tmp = tempDir();
      for (const args of [
        ["run", "--repo", repo.root, "--no-tests"],
        ["compare", "--repo", repo.root, "--base", "HEAD", "--no-tests"],
        ["bisect", "--repo", repo.root, "--good", "HEAD", "--bad", "HEAD"],
      ]) {
        const run = await runCli([...args, "--proof", file], { env: { TMPDIR: tmp } });
        expect(run.exitCode).toBe(2);
        expect(run.stdout).toBe("");
        expect(run.stderr.split("\n")).toHaveLength(2);
        expect(run.stderr).toContain(`relay-proof: proof file ${file} ${says}`);
      }
      expect(leftoversIn(tmp)).toEqual([]);
    },
  );
});
