// V8 precise coverage (NODE_V8_COVERAGE) of the scenario child and the hook commands it starts, mapped
// back to TypeScript lines through the source maps tsx produces (Node keeps them in `source-map-cache`)
// or, for a built CLI, the maps beside its bundle (`dist/entry.js.map`, asked of the repo's build with
// --coverage: src/checkout/cli/build/source-maps.ts). NODE_V8_COVERAGE rather than the inspector: every Node
// process under it writes its own file on exit, the hook commands included, with no code in the
// target's process.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { eachMapping, TraceMap } from "@jridgewell/trace-mapping";
import { filePathOf as pathOf } from "./file-url.ts";

interface V8Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface V8Script {
  url: string;
  functions: { functionName: string; ranges: V8Range[] }[];
}
interface SourceMapEntry {
  lineLengths: number[];
  data: { sources?: (string | null)[]; sourceRoot?: string } & Record<string, unknown>;
}
interface V8File {
  result: V8Script[];
  "source-map-cache"?: Record<string, SourceMapEntry>;
}

/** What ran of one TypeScript file, in original line numbers. */
export interface FileLines {
  /** Lines the source maps place code on. */
  mapped: Set<number>;
  /** Lines some of whose code ran. */
  hit: Set<number>;
}

/**
 * Per offset of the generated code: the count of the innermost range, and whether a range inside a
 * function (not only the script's top level) covers it. Outer ranges are painted first.
 */
function paint(script: V8Script, length: number): { counts: Int32Array; inner: Uint8Array } {
  const counts = new Int32Array(length);
  const inner = new Uint8Array(length);
  const ranges: (V8Range & { top: boolean })[] = [];
  script.functions.forEach((fn, index) => {
    for (const range of fn.ranges) ranges.push({ ...range, top: index === 0 && fn.functionName === "" });
  });
  ranges.sort((x, y) => y.endOffset - y.startOffset - (x.endOffset - x.startOffset));
  for (const range of ranges) {
    const end = Math.min(range.endOffset, length);
    counts.fill(range.count, range.startOffset, end);
    if (!range.top) inner.fill(1, range.startOffset, end);
  }
  return { counts, inner };
}

function addScript(
  script: V8Script,
  entry: SourceMapEntry,
  wanted: Set<string>,
  out: Map<string, FileLines>,
) {
  const starts: number[] = [0];
  for (const length of entry.lineLengths) starts.push((starts.at(-1) as number) + length + 1);
  const total = starts.at(-1) as number;
  const { counts, inner } = paint(script, total);
  const map = new TraceMap(entry.data as unknown as ConstructorParameters<typeof TraceMap>[0]);
  // Per original line: did an inner segment run, did any inner segment exist, did a top-level one run.
  const lines = new Map<string, Map<number, { innerHit: boolean; inner: boolean; topHit: boolean }>>();
  eachMapping(map, (mapping) => {
    if (!mapping.source || mapping.originalLine === null) return;
    const file = pathOf(mapping.source) ?? mapping.source;
    if (!wanted.has(file)) return;
    const offset = (starts[mapping.generatedLine - 1] ?? total) + mapping.generatedColumn;
    if (offset >= total) return;
    const perFile = lines.get(file) ?? new Map();
    lines.set(file, perFile);
    const state = perFile.get(mapping.originalLine) ?? { innerHit: false, inner: false, topHit: false };
    const ran = (counts[offset] ?? 0) > 0;
    if (inner[offset]) {
      state.inner = true;
      state.innerHit ||= ran;
    } else state.topHit ||= ran;
    perFile.set(mapping.originalLine, state);
  });
  for (const [file, perFile] of lines) {
    const result = out.get(file) ?? { mapped: new Set<number>(), hit: new Set<number>() };
    out.set(file, result);
    for (const [line, state] of perFile) {
      result.mapped.add(line);
      // A line with code inside a function counts by that code: `export function f() {` is not hit
      // because the module loaded, only when f ran.
      if (state.inner ? state.innerHit : state.topHit) result.hit.add(line);
    }
  }
}

/** What the hook commands ran that no map places: bundles without a map beside them, by path. */
export interface V8Lines extends Map<string, FileLines> {
  /** Scripts of the scenario root's build output that ran without a source map (their lines are lost). */
  unmappedBundles: Set<string>;
}

/**
 * The map a build wrote beside `file` (`<file>.map`, its comment taken out), its sources made absolute
 * file URLs as Node makes them; undefined when there is none or it names none of the wanted files.
 * Memoised per file: every hook command loads the same chunks.
 */
function besideMap(
  file: string,
  wantedNames: Set<string>,
  memo: Map<string, SourceMapEntry | undefined>,
): SourceMapEntry | undefined {
  if (memo.has(file)) return memo.get(file);
  let entry: SourceMapEntry | undefined;
  const mapFile = `${file}.map`;
  if (existsSync(mapFile)) {
    try {
      const text = readFileSync(mapFile, "utf8");
      // Most chunks bundle none of the wanted files: skip those before parsing their maps.
      if ([...wantedNames].some((name) => text.includes(name))) {
        const data = JSON.parse(text) as SourceMapEntry["data"];
        const base = pathToFileURL(mapFile);
        data.sources = (data.sources ?? []).map((source) =>
          source === null ? null : new URL(`${data.sourceRoot ?? ""}${source}`, base).href,
        );
        delete data.sourceRoot;
        const lineLengths = readFileSync(file, "utf8")
          .split("\n")
          .map((line) => line.length);
        entry = { lineLengths, data };
      }
    } catch {
      entry = undefined; // an unreadable map: the bundle's lines stay unmapped, never hit
    }
  }
  memo.set(file, entry);
  return entry;
}

/**
 * A bundler's facade: a file of imports and re-exports only (rolldown writes no map for one). No line
 * of the repo's runs in it, so having no map loses nothing.
 */
function isFacade(file: string): boolean {
  try {
    const code = readFileSync(file, "utf8")
      .replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "")
      .replace(
        /\b(?:import|export)\s*(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})?\s*(?:from\s*)?["'][^"']+["']\s*;?/g,
        "",
      )
      .replace(/\bexport\s*\{[^}]*\}\s*;?/g, "");
    return code.trim() === "";
  } catch {
    return false;
  }
}

const namesSources = (entry: SourceMapEntry, wanted: Set<string>) =>
  (entry.data.sources ?? []).some((source) => source !== null && wanted.has(pathOf(source) ?? source));

/**
 * Read every coverage file in `dir` (the scenario child, both module instances, and each hook command)
 * and return the lines of `files` (absolute paths) that were mapped and that ran, merged. `bundles` is
 * the build output the hook commands may run (`<scenario root>/dist`): a script there without a map
 * is named in `unmappedBundles`.
 */
export function readV8Lines(dir: string, files: Iterable<string>, bundles: string[] = []): V8Lines {
  const wanted = new Set(files);
  const wantedNames = new Set([...wanted].map((file) => basename(file)));
  const out = Object.assign(new Map<string, FileLines>(), { unmappedBundles: new Set<string>() });
  const memo = new Map<string, SourceMapEntry | undefined>();
  // Installed packages a build stages under its output are not the repo's code.
  const inBundle = (path: string) =>
    bundles.some((root) => path.startsWith(`${root}/`)) && !path.includes("/node_modules/");
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".json"))) {
    let data: V8File;
    try {
      data = JSON.parse(readFileSync(join(dir, name), "utf8")) as V8File;
    } catch {
      continue; // a process killed while writing: its lines are simply not counted as hit
    }
    const maps = data["source-map-cache"] ?? {};
    for (const script of data.result) {
      // A script is mapped when it is one of the wanted files (tsx keeps the file's own path as its
      // URL, with relay-proof's instance query) or a bundle whose map names one: the other ~1000
      // modules of a real checkout are skipped.
      const path = pathOf(script.url);
      if (!path) continue;
      const cached = maps[script.url];
      if (cached && (wanted.has(path) || namesSources(cached, wanted))) {
        addScript(script, cached, wanted, out);
        continue;
      }
      if (cached || !inBundle(path) || !/\.[cm]?js$/.test(path)) continue;
      const beside = besideMap(path, wantedNames, memo);
      if (beside) addScript(script, beside, wanted, out);
      else if (!existsSync(`${path}.map`) && !isFacade(path)) out.unmappedBundles.add(path);
    }
  }
  return out;
}
