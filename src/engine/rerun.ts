// `verify --rerun`: prove the receipt's commit(s) again with the recorded flags and compare every
// proof line. Lines a proof names in `varies` are reported as varying, never compared.
import { openTarget } from "../checkout/open-target.ts";
import { type ProvenFlags, rerunOptions } from "../receipt/flags.ts";
import type { Report } from "../result/types.ts";
import { isProofPath, loadDefinitions } from "../scenario/load-definition.ts";
import { bisectProof } from "./bisect/bisect.ts";
import { compareRefs } from "./compare.ts";
import { runProof } from "./run-proof.ts";
import { splitLine } from "./verify-checks.ts";

export interface LineDifference {
  key: string;
  receipt: string | undefined;
  rerun: string | undefined;
}

export interface Rerun {
  report: Report;
  /** How it ran: in place (the repo is clean at the commit, as the run was) or in a worktree. */
  where: string;
  compared: number;
  differences: LineDifference[];
  /** Keys not compared because their proof names them in `varies`. */
  varied: string[];
  durationMs: number;
}

export interface RerunOptions {
  root: string;
  flags: ProvenFlags;
  /** proof id -> the file here with the recorded content (for --proof FILE runs). */
  proofFiles: Map<string, string>;
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

/** The proof specs to load here: ids as they were, files where they sit on this machine. */
function specsHere(report: Report, flags: ProvenFlags, files: Map<string, string>): string[] {
  const located = [...files.values()];
  let next = 0;
  return flags.proof
    .map((spec) => (isProofPath(spec) ? (located[next++] ?? spec) : spec))
    .concat(flags.proof.length === 0 && report.kind === "bisect" && located[0] ? [located[0]] : []);
}

/** Every proof line as [key, value], the sides of a compare prefixed `head:` and `base:`. */
export function linesOf(report: Report): [string, string][] {
  const parse = (lines: readonly string[], prefix: string) =>
    lines.flatMap((line) => {
      const parts = splitLine(line);
      return parts ? [[`${prefix}${parts[0]}`, parts[1]] as [string, string]] : [];
    });
  if (report.kind === "compare")
    return [
      ...parse(report.proofLines, ""),
      ...parse(report.head.proofLines, "head:"),
      ...parse(report.base.proofLines, "base:"),
    ];
  return parse(report.proofLines, "");
}

/** A key varies when, without its side and proof id prefixes, a proof names it in `varies`. */
export function varies(key: string, keys: ReadonlySet<string>, ids: readonly string[]): boolean {
  const bare = key.replace(/^(head:|base:)/, "").replace(/^base\./, "");
  if (keys.has(bare)) return true;
  return ids.some((id) => bare.startsWith(`${id}.`) && keys.has(bare.slice(id.length + 1)));
}

/** Compare two results' proof lines key by key. */
export function compareLines(
  receipt: Report,
  rerun: Report,
  keys: ReadonlySet<string>,
  ids: readonly string[],
): Pick<Rerun, "compared" | "differences" | "varied"> {
  const before = new Map(linesOf(receipt));
  const after = new Map(linesOf(rerun));
  const differences: LineDifference[] = [];
  const varied: string[] = [];
  let compared = 0;
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (varies(key, keys, ids)) {
      varied.push(key);
      continue;
    }
    compared += 1;
    if (before.get(key) !== after.get(key))
      differences.push({ key, receipt: before.get(key), rerun: after.get(key) });
  }
  return { compared, differences, varied };
}

async function inPlace(root: string, sha: string, report: Report): Promise<boolean> {
  if (report.kind !== "run" || report.target.worktree) return false;
  const target = await openTarget({ repo: root });
  return target.head === sha && !target.dirty;
}

/** Run the receipt's proof again at its commit(s), with its flags, and compare every line. */
export async function rerunReceipt(report: Report, options: RerunOptions): Promise<Rerun> {
  const started = Date.now();
  const { flags, root } = options;
  const proof = specsHere(report, flags, options.proofFiles);
  const common = {
    ...rerunOptions(flags),
    proof,
    repo: root,
    onProgress: options.onProgress,
    signal: options.signal,
  };
  let again: Report;
  let where: string;
  if (report.kind === "run") {
    const here = await inPlace(root, report.target.head, report);
    where = here ? "in place (the repo is clean at that commit)" : "in a temporary worktree";
    again = await runProof({
      ...common,
      ...(here ? { requireClean: true } : { ref: report.target.head }),
      command: ["relay-proof", "verify", "--rerun"],
    });
  } else if (report.kind === "compare") {
    where = "base and head, as compare does";
    again = await compareRefs({
      ...common,
      base: report.base.target.head,
      head: report.head.target.head,
      coverage: flags.coverage !== undefined && flags.coverage !== false,
      command: ["relay-proof", "verify", "--rerun"],
    });
  } else {
    where = "a bisect between the same endpoints";
    again = await bisectProof({
      ...common,
      good: report.good.sha,
      bad: report.bad.sha,
      proof: proof[0],
      command: ["relay-proof", "verify", "--rerun"],
    });
  }
  const definitions = await loadDefinitions(proof);
  const keys = new Set(definitions.flatMap((loaded) => [...(loaded.definition.varies ?? [])]));
  const ids = definitions.map((loaded) => loaded.definition.id);
  return {
    report: again,
    where,
    ...compareLines(report, again, keys, ids),
    durationMs: Date.now() - started,
  };
}
