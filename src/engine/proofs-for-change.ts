// `relay-proof proofs --changed BASE`: the proofs whose files the change since BASE touches, so a
// PR runs the proofs it needs. A proof's files are its `files`, else its module and the module's
// siblings named after it (V3 splits the module into `<name>-*.ts`).
import { join } from "node:path";
import { git } from "../checkout/git.ts";
import { openTarget } from "../checkout/open-target.ts";
import { resolveRef } from "../checkout/worktree.ts";
import { moduleFiles } from "../coverage/collect.ts";
import { relayProofError } from "../errors.ts";
import type { ProofDefinition } from "../scenario/definition.ts";
import { listProofs, loadDefinition } from "../scenario/load-definition.ts";

export interface ProofForChange {
  id: string;
  title: string;
  /** The proof's files the change touched. */
  touched: string[];
}

/** The files a proof evidences, relative to the checkout. */
export function proofFiles(root: string, definition: ProofDefinition): string[] {
  const modules = definition.module.candidates.flatMap((candidate) =>
    moduleFiles(root, join(root, candidate)),
  );
  return [...new Set([...modules, ...(definition.files ?? [])])].sort();
}

export async function proofsForChange(options: { repo: string; base: string }): Promise<ProofForChange[]> {
  const target = await openTarget({ repo: options.repo });
  const base = await resolveRef(target.root, options.base);
  // Against the work tree: a change not yet committed counts too.
  const diff = await git(target.root, ["diff", "--name-only", "--no-renames", base, "--"]);
  if (!diff.ok)
    throw relayProofError("INTERNAL", `git diff --name-only ${options.base} failed: ${diff.stderr}`);
  const changed = new Set(diff.stdout.split("\n").filter(Boolean));
  const found: ProofForChange[] = [];
  for (const id of listProofs()) {
    const { definition } = await loadDefinition(id);
    const touched = proofFiles(target.root, definition).filter((file) => changed.has(file));
    if (touched.length > 0) found.push({ id: definition.id, title: definition.title, touched });
  }
  return found;
}
