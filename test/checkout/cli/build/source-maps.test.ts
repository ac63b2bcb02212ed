import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hideSourceMapComments, sourceMapRequest } from "../../../../src/checkout/cli/build/source-maps.ts";
import { tempDir } from "../../../helpers/fixture-repo.ts";

function checkout(files: Record<string, string>): string {
  const root = tempDir("relay-proof-maps-");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const forwarding = "const extraArgs = process.argv.slice(2);\nrun(['tsdown', ...extraArgs]);\n";

describe("asking the repo's build for source maps", () => {
  it("passes tsdown's own --sourcemap through a compile script that hands on its arguments", () => {
    expect(sourceMapRequest(checkout({ "scripts/tsdown-build.mjs": forwarding }))).toEqual({
      script: "scripts/tsdown-build.mjs",
      args: ["--sourcemap"],
    });
  });

  it("says why not: no compile script, one that passes nothing on, a config that decides itself", () => {
    expect(sourceMapRequest(checkout({ "package.json": "{}" }))).toEqual({
      why: "no scripts/tsdown-build.mjs: relay-proof knows no source-map switch for this build",
    });
    expect(sourceMapRequest(checkout({ "scripts/tsdown-build.mjs": "run(['tsdown']);\n" }))).toEqual({
      why: "scripts/tsdown-build.mjs passes no arguments to tsdown: no way to ask it for source maps",
    });
    const own = checkout({
      "scripts/tsdown-build.mjs": forwarding,
      "tsdown.config.ts": "export default { sourcemap: true };\n",
    });
    expect(sourceMapRequest(own)).toEqual({
      why: "tsdown.config.ts sets sourcemap itself: the build is left as the repo configures it",
    });
  });

  it("takes the comment naming a map beside the file off, and leaves every other file as it is", () => {
    const code = "export const a = 1;\n";
    const root = checkout({
      // esbuild's way: the comment and a newline after the code.
      "dist/entry.js": `${code}//# sourceMappingURL=entry.js.map\n`,
      "dist/entry.js.map": "{}",
      // rolldown's way: a newline, then the comment, no newline after it.
      "dist/chunks/b.mjs": `${code}\n//# sourceMappingURL=b.mjs.map`,
      "dist/chunks/b.mjs.map": "{}",
      "dist/no-map.js": `${code}//# sourceMappingURL=elsewhere.js.map\n`,
      "dist-runtime/c.js": code,
      "dist-runtime/c.js.map": "{}",
    });
    expect(hideSourceMapComments(root)).toBe(3);
    expect(readFileSync(join(root, "dist/entry.js"), "utf8")).toBe(code);
    expect(readFileSync(join(root, "dist/chunks/b.mjs"), "utf8")).toBe(code);
    expect(readFileSync(join(root, "dist/no-map.js"), "utf8")).toBe(
      `${code}//# sourceMappingURL=elsewhere.js.map\n`,
    );
    expect(readFileSync(join(root, "dist-runtime/c.js"), "utf8")).toBe(code);
  });
});
