// `--coverage --build`: the hook commands run the bundle the repo's build makes (dist/), so their
// coverage lands on JavaScript. Asked for, the repo's own compiler writes source maps beside the
// bundle; the `//# sourceMappingURL=` comment it adds is taken out again, so the JavaScript the hook
// commands run is byte for byte what the repo builds (Node never loads the maps, stack traces stay
// as shipped) and relay-proof reads `<file>.map` itself (src/coverage/v8-lines.ts). Issue 23.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

/** How the build is asked for maps: the arguments its compile step gets, or why it cannot be. */
export type SourceMapRequest = { script: string; args: string[] } | { why: string };

const compileScript = "scripts/tsdown-build.mjs";
const tsdownConfigs = ["tsdown.config.ts", "tsdown.config.mts", "tsdown.config.js", "tsdown.config.mjs"];

/**
 * OpenClaw-family heads compile with `scripts/tsdown-build.mjs`, which hands its own arguments to
 * `tsdown` (`const extraArgs = process.argv.slice(2)`): `--sourcemap` is tsdown's own flag. A tsdown
 * config that names `sourcemap` decides for itself, and is left alone.
 */
export function sourceMapRequest(root: string): SourceMapRequest {
  const script = join(root, compileScript);
  if (!existsSync(script))
    return { why: `no ${compileScript}: relay-proof knows no source-map switch for this build` };
  for (const name of tsdownConfigs) {
    const path = join(root, name);
    if (existsSync(path) && /\bsourcemap\b/i.test(readFileSync(path, "utf8")))
      return { why: `${name} sets sourcemap itself: the build is left as the repo configures it` };
  }
  if (!/process\.argv\.slice\(2\)/.test(readFileSync(script, "utf8")))
    return { why: `${compileScript} passes no arguments to tsdown: no way to ask it for source maps` };
  return { script: compileScript, args: ["--sourcemap"] };
}

/** The build's output roots (tsdown's outDir, and the runtime overlay OpenClaw-family heads have). */
const outputRoots = ["dist", "dist-runtime"];
const javascript = /\.[cm]?js$/;
/**
 * The comment as compilers append it to their output: rolldown (tsdown) adds `\n//# ...` after the
 * code's final newline, esbuild `//# ...\n`. Either way, taking it off leaves the output without maps.
 */
const comment = /(?:\n\/\/# sourceMappingURL=(\S+)|\/\/# sourceMappingURL=(\S+)\n)$/;

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * Take the `//# sourceMappingURL=<name>.map` comment off every output file whose map the build wrote
 * beside it, leaving the map. Returns how many files have a map.
 */
export function hideSourceMapComments(checkout: string): number {
  let maps = 0;
  for (const root of outputRoots.map((name) => join(checkout, name)).filter((dir) => existsSync(dir))) {
    for (const file of filesUnder(root)) {
      if (!javascript.test(file) || !existsSync(`${file}.map`)) continue;
      maps += 1;
      const text = readFileSync(file, "utf8");
      const found = comment.exec(text.slice(-1024));
      if (found && (found[1] ?? found[2]) === `${basename(file)}.map`)
        writeFileSync(file, text.slice(0, text.length - found[0].length));
    }
  }
  return maps;
}
