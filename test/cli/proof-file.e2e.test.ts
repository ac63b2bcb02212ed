import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { fixtureRepo, leftoversIn, tempDir } from "../helpers/fixture-repo.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const example = join(root, "examples", "proofs", "relay-one-registry.ts");

/** A proof whose id comes from a TypeScript file beside it (a relative .ts import, typed). */
const typedProof = (helper: string) => `import { id } from "${helper}";
const candidates: string[] = ["src/agents/harness/native-hook-relay.ts"];
export default {
  id, title: "The relay module exports registerNativeHookRelay", behavior: "A smoke test.",
  module: { candidates }, requiredChecks: ["register-export"], summaryInfo: [], tests: [],
  async scenario(ctx: { load(name: string): Promise<Record<string, unknown>>; check: Function }) {
    const relay = await ctx.load("a");
    await ctx.check({ key: "register-export", expected: "function", required: true }, async () => {
      const type = typeof relay.registerNativeHookRelay;
      return { status: type === "function" ? "pass" : "fail", value: type };
    });
  },
};
`;
const plainProof = typedProof("./helper.js")
  .replace('import { id } from "./helper.js";', 'const id = "exports-register";')
  .replace(": string[]", "")
  .replace(/ctx: \{.*\}\)/, "ctx)");

/** The same proof as .ts, .mts, .js and .mjs in a folder with no package.json, a CommonJS one, an ESM one. */
function proofFolders(): string[] {
  const files: string[] = [];
  for (const [name, pkg] of [
    ["no-package", undefined],
    ["commonjs", "{}\n"],
    ["module", '{ "type": "module" }\n'],
  ] as const) {
    const dir = join(tempDir(), name);
    mkdirSync(dir);
    if (pkg) writeFileSync(join(dir, "package.json"), pkg);
    writeFileSync(join(dir, "helper.ts"), 'export const id: string = "exports-register";\n');
    for (const [file, source] of [
      ["proof.ts", typedProof("./helper.ts")],
      ["proof.mts", typedProof("./helper.ts")],
      ["proof.js", plainProof],
      ["proof.mjs", plainProof],
    ]) {
      writeFileSync(join(dir, file as string), source as string);
      files.push(join(dir, file as string));
    }
  }
  return files;
}

describe("--proof FILE (end to end)", () => {
  it("loads .ts, .mts, .js and .mjs proofs from any folder, with or without a package.json", async () => {
    const files = proofFolders();
    const checked = await runCli(["proofs", ...files]);
    expect(checked).toMatchObject({ exitCode: 0, stderr: "" });
    for (const file of files) expect(checked.stdout).toContain(`  file:   ${file}\n`);
    expect(checked.stdout.match(/^exports-register {2}/gm)).toHaveLength(files.length);
    // The scenario child imports the file too: a TypeScript one in a CommonJS folder, and a JS one.
    const repo = fixtureRepo();
    for (const file of files.filter((path) => /commonjs\/proof\.(ts|js)$/.test(path))) {
      const run = await runCli(["run", "--repo", repo.root, "--proof", file, "--no-tests", "--quiet"]);
      expect(run).toMatchObject({ exitCode: 0, stderr: "" });
      expect(run.stdout.trimEnd().split("\n").slice(-2)).toEqual([
        "[proof] register-export=function",
        "[proof] verdict=holds",
      ]);
    }
  });

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
    [
      "throws on import",
      "throws.mjs",
      'throw new Error("boom");\n',
      "throws on import: boom (the proof file's own code threw while loading;",
    ],
    [
      "imports a package that does not resolve from its folder",
      "unresolved.ts",
      'import { defineProof } from "relay-proof-not-installed";\nexport default defineProof({});\n',
      "throws on import: Cannot find module 'relay-proof-not-installed' (install relay-proof-not-installed where the proof file can resolve it",
    ],
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
