// Reading the hook commands' V8 coverage of a bundle: through the map beside it (its comment taken
// off, as a --coverage build leaves it), and naming the bundle files that ran with no map at all.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { hideSourceMapComments } from "../../src/checkout/cli/build/source-maps.ts";
import { readV8Lines } from "../../src/coverage/v8-lines.ts";
import { tempDir } from "../helpers/fixture-repo.ts";

const cli = [
  "export function relay(args: string[]): number {",
  '  if (args.includes("--never")) {',
  '    return "never".length;',
  "  }",
  "  return args.length;",
  "}",
  "",
].join("\n");
const entry = 'import { relay } from "./cli.ts";\nprocess.exitCode = relay(["a"]) - 1;\n';

function bundled(): { root: string; source: string; coverage: string } {
  const root = tempDir("relay-proof-v8-");
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "src", "cli.ts"), cli);
  writeFileSync(join(root, "src", "entry.ts"), entry);
  buildSync({
    entryPoints: [join(root, "src", "entry.ts")],
    outfile: join(root, "dist", "entry.mjs"),
    bundle: true,
    format: "esm",
    platform: "node",
    sourcemap: "linked",
    logLevel: "silent",
  });
  expect(hideSourceMapComments(root)).toBe(1);
  // A facade (re-exports only, no map) and a file of code without one, both loaded by the command.
  writeFileSync(join(root, "dist", "facade.mjs"), 'import "./entry.mjs";\nexport * from "./entry.mjs";\n');
  writeFileSync(join(root, "dist", "plain.mjs"), "globalThis.relayProofPlain = 1;\n");
  writeFileSync(join(root, "dist", "main.mjs"), 'import "./facade.mjs";\nimport "./plain.mjs";\n');
  const coverage = join(root, "coverage");
  execFileSync(process.execPath, [join(root, "dist", "main.mjs")], {
    env: { ...process.env, NODE_V8_COVERAGE: coverage, NODE_OPTIONS: "" },
  });
  return { root, source: join(root, "src", "cli.ts"), coverage };
}

describe("V8 coverage of a bundle", () => {
  it("maps the lines that ran through the map beside the bundle, and a dead branch as not run", () => {
    const { root, source, coverage } = bundled();
    const lines = readV8Lines(coverage, [source], [join(root, "dist")]);
    const file = lines.get(source);
    expect(file?.hit.has(5)).toBe(true);
    expect(file?.mapped.has(3)).toBe(true);
    expect(file?.hit.has(3)).toBe(false);
  });

  it("names the bundle files that ran with no map, never a facade of re-exports", () => {
    const { root, source, coverage } = bundled();
    const lines = readV8Lines(coverage, [source], [join(root, "dist")]);
    expect([...lines.unmappedBundles]).toEqual([join(root, "dist", "plain.mjs")]);
  });

  it("does not look for maps outside the build output it is given", () => {
    const { source, coverage } = bundled();
    const lines = readV8Lines(coverage, [source]);
    expect(lines.get(source)).toBeUndefined();
    expect(lines.unmappedBundles.size).toBe(0);
  });
});
