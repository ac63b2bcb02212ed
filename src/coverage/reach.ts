// Why the proof ran none (or not all) of a changed file: the proof's own word for the files its
// scenario cannot run, else what relay-proof saw (the file never loaded, the hook commands did not run
// or ran a bundle no map places). The reports name each such file with its reason. Issue 23.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CliState } from "../scenario/definition.ts";

/** What the run knows about the reach of its scenario and hook commands. */
export interface ReachFacts {
  /** Files a proof declares its scenario cannot run, with why (ProofDefinition.unreachable). */
  declared: Readonly<Record<string, string>>;
  /** The CLI the hook commands ran, as the engine found it. */
  cli: { state: CliState; detail: string } | undefined;
  /** Why the hook commands' bundle has no source maps, when they ran one without. */
  unmappedBundles: { files: number; why: string | undefined };
  /** False when the scenario child wrote no coverage (killed at a timeout): its lines are unknown. */
  childWroteCoverage?: boolean;
}

export const noReachFacts: ReachFacts = {
  declared: {},
  cli: undefined,
  unmappedBundles: { files: 0, why: undefined },
};

/** A build's failure detail cut to its first part: the file lists repeat it. */
const short = (detail: string) => {
  const first = detail.split(" | ")[0] ?? "";
  return first.length > 160 ? `${first.slice(0, 157)}...` : first;
};

const relativeImport = /\b(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g;

/**
 * The relative imports of a TypeScript file that its commit does not have (`./x.js` is `./x.ts` on
 * disk, as TypeScript's NodeNext resolution writes it): a file with one cannot load at all.
 */
export function missingImports(path: string, text: string): string[] {
  const missing = new Set<string>();
  for (const [, specifier] of text.matchAll(relativeImport)) {
    if (!specifier) continue;
    const target = join(dirname(path), specifier);
    const stem = target.replace(/\.[cm]?[jt]sx?$/, "");
    const candidates = [target, ...[".ts", ".tsx", ".mts", ".cts", ".js", ".mjs"].map((ext) => stem + ext)];
    if (!candidates.some((candidate) => existsSync(candidate))) missing.add(specifier);
  }
  return [...missing];
}

/**
 * The reason for a file of the change the scenario did not run all of, or undefined when it ran it
 * all (or some of it, with nothing to say). `loaded`: some process's map placed code of it.
 */
export function unreachedReason(
  file: string,
  facts: ReachFacts,
  counts: { lines: number; scenario: number; loaded: boolean; missingImports?: string[] },
): string | undefined {
  const declared = facts.declared[file];
  if (counts.scenario >= counts.lines) return undefined;
  const missing = counts.missingImports ?? [];
  if (counts.scenario === 0 && missing.length > 0)
    return `cannot load at this commit: it imports ${missing.join(", ")}, which the commit does not have`;
  if (declared) return declared;
  if (counts.scenario > 0) return undefined;
  if (counts.loaded) return "loaded, but none of its changed lines ran";
  if (facts.childWroteCoverage === false)
    return "unknown: the scenario child wrote no coverage (killed at a timeout, or crashed)";
  if (facts.unmappedBundles.files > 0) {
    const why = facts.unmappedBundles.why ? ` (${facts.unmappedBundles.why})` : "";
    return `not loaded by the scenario; the hook commands ran ${facts.unmappedBundles.files} build output file(s) without source maps${why}, so their lines of it are not counted`;
  }
  if (facts.cli && facts.cli.state !== "ready" && facts.cli.state !== "source")
    return `not loaded by the scenario; the hook commands did not run (${short(facts.cli.detail) || `CLI ${facts.cli.state}`})`;
  return "not loaded by the scenario or its hook commands";
}
