// The range a bisect searches: whether the endpoints are on one line of history, and the commits
// between them, oldest first (one line, or the first-parent line of a range with merges).
import { git } from "../../checkout/git.ts";
import type { BisectStrategy } from "./options.ts";

export async function isMerge(root: string, sha: string): Promise<boolean> {
  return (await git(root, ["rev-parse", "--verify", "--quiet", `${sha}^2`])).ok;
}

export async function isAncestor(root: string, older: string, newer: string): Promise<boolean> {
  return (await git(root, ["merge-base", "--is-ancestor", older, newer])).ok;
}

/**
 * The commits after `older` up to `newer`, oldest first, with their subjects, when they form one line
 * (no merge, each commit's parent the one before); undefined otherwise. With `firstParent`, the line
 * of first parents from `newer` back to `older` (merges included, their side branches not), when
 * `older` is on it.
 */
export async function linearRange(
  root: string,
  older: string,
  newer: string,
  options: { firstParent?: boolean } = {},
): Promise<{ sha: string; subject: string }[] | undefined> {
  const firstParent = options.firstParent ? ["--first-parent"] : [];
  const log = await git(root, [
    "log",
    ...firstParent,
    "--reverse",
    "--format=%H %P%x00%s",
    newer,
    `^${older}`,
  ]);
  if (!log.ok) return undefined;
  const commits: { sha: string; subject: string }[] = [];
  let parent = older;
  for (const line of log.stdout.split("\n").filter(Boolean)) {
    const [ids = "", subject = ""] = line.split("\0");
    const [sha = "", ...parents] = ids.split(" ");
    if (parents[0] !== parent || (!options.firstParent && parents.length !== 1)) return undefined;
    commits.push({ sha, subject });
    parent = sha;
  }
  return parent === newer && commits.length > 0 ? commits : undefined;
}

/**
 * What the search walks: the range, oldest first, when it is one line of commits; with merges, the
 * k-ary search follows the line of first parents (git bisect --first-parent), where --bad must lie;
 * otherwise `git bisect run` searches the whole graph.
 */
export async function searchRange(
  root: string,
  endpoints: { older: string; newer: string },
  wanted: BisectStrategy,
  progress: ((message: string) => void) | undefined,
): Promise<{
  range: { sha: string; subject: string }[] | undefined;
  strategy: BisectStrategy;
  firstParent: boolean;
}> {
  const { older, newer } = endpoints;
  const range = await linearRange(root, older, newer);
  if (range || wanted === "binary") return { range, strategy: wanted, firstParent: false };
  const line = await linearRange(root, older, newer, { firstParent: true });
  if (line) {
    progress?.(
      "the range has merges: searching its first-parent line (as git bisect --first-parent); --strategy binary searches the merged branches too",
    );
    return { range: line, strategy: "kary", firstParent: true };
  }
  progress?.(
    "the range has merges and the older endpoint is not on the newer one's first-parent line: searching it with git bisect run",
  );
  return { range: undefined, strategy: "binary", firstParent: false };
}
