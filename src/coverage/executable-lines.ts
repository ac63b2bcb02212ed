// Which lines of a TypeScript file are code: the lines esbuild (tsx's compiler) emits code for. A
// comment, a type or an interface emits nothing, so it is not a line to cover.
import { readFileSync } from "node:fs";
import { eachMapping, TraceMap } from "@jridgewell/trace-mapping";
import { transformSync } from "esbuild";

/** Segments that map to closing punctuation only: a `}` line is not a line of its own to cover. */
const punctuation = /^[\s})\];,]*$/;

/** Original line numbers (1-based) that a source map gives code for, from segments that are not punctuation. */
export function mappedLines(map: TraceMap, source: string, text: string): Set<number> {
  const lines = text.split("\n");
  const found = new Set<number>();
  eachMapping(map, (mapping) => {
    if (mapping.source !== source || mapping.originalLine === null) return;
    const line = lines[mapping.originalLine - 1] ?? "";
    if (punctuation.test(line.slice(mapping.originalColumn))) return;
    found.add(mapping.originalLine);
  });
  return found;
}

/** The executable lines of one TypeScript file, or undefined when esbuild cannot compile it. */
export function executableLines(file: string, text = readFileSync(file, "utf8")): Set<number> | undefined {
  try {
    const out = transformSync(text, {
      loader: file.endsWith("x") ? "tsx" : "ts",
      format: "esm",
      sourcemap: "external",
      sourcefile: file,
      target: "es2022",
    });
    return mappedLines(new TraceMap(out.map), file, text);
  } catch {
    return undefined;
  }
}
