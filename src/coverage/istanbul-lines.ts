// The focused tests' coverage: Vitest's own v8 provider in the target, as Istanbul JSON
// (coverage-final.json, already mapped to the TypeScript sources by Vitest).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { FileLines } from "./v8-lines.ts";

interface Position {
  line: number;
  column: number;
}
interface IstanbulFile {
  path: string;
  statementMap: Record<string, { start: Position; end: Position }>;
  s: Record<string, number>;
}

/** Lines per file: a line counts by the innermost statement that covers it (Istanbul's line view). */
export function istanbulLines(data: Record<string, IstanbulFile>): Map<string, FileLines> {
  const out = new Map<string, FileLines>();
  for (const file of Object.values(data)) {
    const best = new Map<number, { span: number; count: number }>();
    for (const [id, location] of Object.entries(file.statementMap)) {
      const count = file.s[id] ?? 0;
      const span = location.end.line - location.start.line;
      for (let line = location.start.line; line <= location.end.line; line++) {
        const current = best.get(line);
        if (!current || span < current.span || (span === current.span && count > current.count))
          best.set(line, { span, count });
      }
    }
    const lines: FileLines = { mapped: new Set(best.keys()), hit: new Set() };
    for (const [line, { count }] of best) if (count > 0) lines.hit.add(line);
    out.set(file.path, lines);
  }
  return out;
}

/**
 * Every coverage-final.json under `dir` (one per shard invocation), merged: a line hit anywhere is hit.
 * `reports` counts the files read, `empty` those with no file at all (Vitest measured nothing).
 */
export function readIstanbulLines(dir: string): Map<string, FileLines> & { reports: number; empty: number } {
  const merged = Object.assign(new Map<string, FileLines>(), { reports: 0, empty: 0 });
  const walk = (path: string) => {
    for (const name of readdirSync(path)) {
      const child = join(path, name);
      if (statSync(child).isDirectory()) walk(child);
      else if (name === "coverage-final.json") {
        const data = JSON.parse(readFileSync(child, "utf8")) as Record<string, IstanbulFile>;
        merged.reports += 1;
        if (Object.keys(data).length === 0) merged.empty += 1;
        mergeLines(merged, istanbulLines(data));
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return merged;
}

/** Union `more` into `into`. */
export function mergeLines(into: Map<string, FileLines>, more: Map<string, FileLines>): void {
  for (const [file, lines] of more) {
    const current = into.get(file) ?? { mapped: new Set<number>(), hit: new Set<number>() };
    for (const line of lines.mapped) current.mapped.add(line);
    for (const line of lines.hit) current.hit.add(line);
    into.set(file, current);
  }
}
