// The checkout's own CLI: the file a hook command runs. The scenario child poses as that CLI's process
// (process.argv[1]), so a command builder that falls back to argv[1] never re-enters relay-proof.
// Issue 9; shared/docs/target.md "The hook command path on real checkouts".

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import type { CliInfo } from "../../scenario/definition.ts";

/** What relay-proof knows about the CLI a hook command will run, before any command runs. */
export interface CliEntry extends CliInfo {
  /** The `bin` names (e.g. `daisyclaw`): `<NAME>_CLI_PATH` is the variable newer heads read. */
  names: string[];
}

const distEntries = ["dist/entry.js", "dist/entry.mjs"];
const buildStamp = "dist/.buildstamp";

/** The `bin` entries of package.json as [name, relative path]. */
function binEntries(root: string): [string, string][] {
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      name?: string;
      bin?: string | Record<string, string>;
    };
    if (typeof pkg.bin === "string") return [[pkg.name ?? "cli", pkg.bin]];
    return Object.entries(pkg.bin ?? {}).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    );
  } catch {
    return [];
  }
}

/** Does this CLI file load a build output (`dist/`) rather than the sources? */
export function needsBuild(entryFile: string): boolean {
  try {
    return /["'`][^"'`]*\bdist\/entry\.(m?js|\(m\)js)/.test(readFileSync(entryFile, "utf8"));
  } catch {
    return false;
  }
}

/** The head a build stamp (`dist/.buildstamp`, written by the repo's own build) names, if any. */
export function stampedHead(root: string): string | undefined {
  try {
    const stamp = JSON.parse(readFileSync(join(root, buildStamp), "utf8")) as { head?: unknown };
    return typeof stamp.head === "string" && /^[0-9a-f]{40}$/.test(stamp.head) ? stamp.head : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Find the checkout's CLI and whether its build provably belongs to `head`. A `dist/` is used only
 * when the repo's build stamp names this very commit and the work tree is clean.
 */
export function findCliEntry(root: string, head: string, dirty: boolean): CliEntry {
  const bins = binEntries(root);
  const names = bins.map(([name]) => name);
  const file = bins.map(([, path]) => join(root, path)).find((path) => existsSync(path));
  if (!file)
    return {
      entry: undefined,
      names,
      state: "absent",
      detail: "the checkout has no CLI file (package.json bin)",
    };
  if (!needsBuild(file)) return { entry: file, names, state: "source", detail: "runs from source" };
  const built = distEntries.find((path) => existsSync(join(root, path)));
  if (!built)
    return { entry: file, names, state: "none", detail: "no build of this commit (run with --build)" };
  const stamped = stampedHead(root);
  if (!stamped) {
    return {
      entry: file,
      names,
      state: "stale",
      detail: "dist has no build stamp naming this commit; run with --build",
    };
  }
  if (stamped !== head) {
    return {
      entry: file,
      names,
      state: "stale",
      detail: `dist built from ${stamped.slice(0, 12)}, not HEAD; run with --build`,
    };
  }
  if (dirty) {
    return {
      entry: file,
      names,
      state: "stale",
      detail: "dist built from HEAD, but the work tree has changes since; run with --build",
    };
  }
  return { entry: file, names, state: "ready", detail: `work tree ${built}, build stamp names HEAD` };
}
