import { existsSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { relayProofError } from "../errors.ts";

export type ModuleLocation =
  | { found: true; path: string; relative: string }
  | { found: false; tried: string[] };

/**
 * The module under test: the user's `--module` (missing is a usage error) or the first existing
 * candidate of the proof (none existing means this commit cannot be tested, e.g. before the module).
 */
export function locateModule(root: string, candidates: readonly string[], override?: string): ModuleLocation {
  if (override !== undefined) {
    const path = isAbsolute(override) ? override : resolve(root, override);
    if (!existsSync(path)) {
      throw relayProofError(
        "MODULE_NOT_FOUND",
        `module ${override} does not exist in ${root}`,
        "check --module (a path relative to the repo root), or omit it to use the proof's default",
      );
    }
    return { found: true, path, relative: relative(root, path) };
  }
  for (const candidate of candidates) {
    const path = resolve(root, candidate);
    if (existsSync(path)) return { found: true, path, relative: candidate };
  }
  return { found: false, tried: [...candidates] };
}
