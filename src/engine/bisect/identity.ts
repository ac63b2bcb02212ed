// Bisect's shortcut as the search asks it: which commits are identical to a tested one in every
// file its scenario loaded, and which commits may behave unlike the one before them.
import type { ScenarioClosure } from "../run-options.ts";
import { type Closure, changedPaths, closureOf, identicalSpan, touches } from "./closure.ts";
import type { BisectOptions, BisectStrategy } from "./options.ts";

/** Why commits cannot be decided by identity in this bisect, or undefined when they can. */
export function shortcutOff(options: BisectOptions, strategy: BisectStrategy): string | undefined {
  if (options.shortcut === false) return "--no-shortcut";
  if (options.build) return "--build runs the repo's build of the whole tree at every step";
  if (strategy === "binary") return "git bisect run tests every commit it picks";
  return undefined;
}

/** Bisect's shortcut as `karySearch` asks it. */
export interface Identity {
  /** The commits identical to the one at `index` in every file its scenario loaded. */
  span(index: number): { from: number; to: number } | undefined;
  /** Whether the commit at `index` changed a file some tested commit's scenario loaded. */
  relevant(index: number): boolean;
}

/**
 * The shortcut over one range, from one `git log` of it. A commit whose record is missing or
 * incomplete (a process it started never reported) has no span.
 */
export async function identity(input: {
  root: string;
  older: string;
  newer: string;
  range: string[];
  closures: ReadonlyMap<string, ScenarioClosure>;
  candidates: readonly string[];
}): Promise<Identity> {
  const changes = await changedPaths(input.root, input.older, input.newer);
  const closureAt = (sha: string | undefined) => {
    const recorded = sha === undefined ? undefined : input.closures.get(sha);
    return recorded?.complete
      ? closureOf(recorded, { roots: [input.root], candidates: input.candidates })
      : undefined;
  };
  const known = new Map<string, Closure>();
  return {
    span(index) {
      const sha = index === -1 ? input.older : input.range[index];
      const closure = closureAt(sha);
      if (!closure || sha === undefined) return undefined;
      known.set(sha, closure);
      return identicalSpan(input.range, changes, index, closure);
    },
    relevant(index) {
      const list = changes.get(input.range[index] as string);
      if (list === undefined || known.size === 0) return true;
      for (const closure of known.values()) if (list.some((change) => touches(closure, change))) return true;
      return false;
    },
  };
}
