// Which lines of a TypeScript file are code: the lines esbuild (tsx's compiler) emits code for. A
// comment, a type or an interface emits nothing, so it is not a line to cover.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { eachMapping, TraceMap } from "@jridgewell/trace-mapping";

type Esbuild = typeof import("esbuild");
let esbuild: Esbuild | undefined;

/**
 * esbuild, loaded so that each transform is one child process that is waited for: by default it keeps
 * a service process in a worker thread that outlives the call (and, unreaped, the run).
 */
function compiler(): Esbuild {
  if (esbuild) return esbuild;
  const previous = process.env.ESBUILD_WORKER_THREADS;
  process.env.ESBUILD_WORKER_THREADS = "0";
  try {
    esbuild = createRequire(import.meta.url)("esbuild") as Esbuild;
  } finally {
    if (previous === undefined) delete process.env.ESBUILD_WORKER_THREADS;
    else process.env.ESBUILD_WORKER_THREADS = previous;
  }
  return esbuild;
}

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
    const out = compiler().transformSync(text, {
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
