import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { relayProofError } from "../errors.ts";
import { onCleanup } from "../process/cleanup.ts";
import { interruptedDuring, throwIfInterrupted } from "../process/interrupted.ts";
import { makeTempDir, type TempDir } from "../process/temp-dir.ts";
import { git, resolveCommit } from "./git.ts";

export interface Worktree {
  path: string;
  /** The commit checked out now (moved by `checkoutDetached`). */
  sha: string;
  ref: string;
  /** Remove the worktree and its temp dir; safe to call twice. */
  remove(): Promise<void>;
}

/** Resolve a user's ref or fail with a usage error that names the fix. */
export async function resolveRef(root: string, ref: string): Promise<string> {
  const sha = await resolveCommit(root, ref);
  if (!sha) {
    throw relayProofError(
      "UNKNOWN_REF",
      `unknown ref "${ref}" in ${root}`,
      `does it exist? try git fetch, or git log --oneline to pick a commit`,
    );
  }
  return sha;
}

// `git worktree add` reads every registered worktree while it registers its own: two at once in one
// repo fail ("failed to read .git/worktrees/checkout/commondir"). Registrations, removes and prunes
// of this process run one at a time (compare's two sides and bisect's workers make worktrees
// together); the checkouts that fill the registered worktrees, the slow part, run side by side.
let worktreeQueue: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const run = worktreeQueue.then(task, task);
  worktreeQueue = run.catch(() => {});
  return run;
}

/** The fixed worktree paths of every repo: `relay-proof-worktree-<repo hash>-<slot>` in the temp dir. */
export const worktreeSlotName = /^relay-proof-worktree-[0-9a-f]{12}-\d+$/;
/** The file in a slot dir that names the process that claimed it (so a later run can clean up after a killed one). */
export const slotOwnerFile = "owner.pid";

/**
 * The temp dir a worktree of `root` goes in: the first free one of a few fixed paths per repo, claimed
 * with mkdir (so two runs never share one) and marked with this process's pid, else a random one. A
 * fixed path keeps tsx's compile cache warm: tsx keys it on each file's path, so a worktree at a new
 * random path recompiles the whole module closure (measured on a real checkout: 4.4 s instead of 1.8 s
 * to import the relay module).
 */
function worktreeDir(root: string): TempDir {
  const repo = createHash("sha1").update(root).digest("hex").slice(0, 12);
  for (let slot = 0; slot < 16; slot++) {
    const path = join(tmpdir(), `relay-proof-worktree-${repo}-${slot}`);
    try {
      mkdirSync(path);
    } catch {
      continue;
    }
    const remove = () => rmSync(path, { recursive: true, force: true, maxRetries: 3 });
    const unregister = onCleanup(remove);
    writeFileSync(join(path, slotOwnerFile), `${process.pid}\n`);
    return {
      path,
      remove() {
        unregister();
        remove();
      },
    };
  }
  return makeTempDir("relay-proof-worktree-");
}

/**
 * Date the fresh worktree's index a second ahead of the files checkout just wrote. git (built without
 * nanosecond timestamps) treats an entry whose file is as new as the index as "racily clean" and
 * re-reads its content on every status; relay-proof's status runs without optional locks, so it never
 * writes the refreshed index back: each run re-hashed the whole tree (0.55-0.8 s on a 20k-file checkout
 * instead of 0.04 s). Nothing touches the tracked files in between, so their stat data is exact.
 */
function settleIndex(path: string): void {
  try {
    const gitdir = /^gitdir: (.*)$/m.exec(readFileSync(join(path, ".git"), "utf8"))?.[1]?.trim();
    if (!gitdir) return;
    const ahead = new Date(Date.now() + 1000);
    utimesSync(join(isAbsolute(gitdir) ? gitdir : join(path, gitdir), "index"), ahead, ahead);
  } catch {
    // a slower status only
  }
}

/**
 * A detached, temporary git worktree at `ref`, so the user's work tree, HEAD and index are never
 * touched. It is removed by `remove()` or, on failure or Ctrl-C, by the cleanup registry.
 */
export async function addWorktree(
  root: string,
  ref: string,
  options: { signal?: AbortSignal } = {},
): Promise<Worktree> {
  throwIfInterrupted(options.signal, `the worktree of ${ref}`);
  const sha = await resolveRef(root, ref);
  const dir = worktreeDir(root);
  const path = join(dir.path, "checkout");
  // One removal, shared: the cleanup registry and the normal path may both ask for it.
  let removal: Promise<void> | undefined;
  const removeSync = () => {
    removal ??= (async () => {
      // The files go side by side with other worktrees' (seconds for a 20k-file checkout); the slot
      // dir stays claimed until git's record of the worktree is pruned, one at a time.
      const removeFiles = () => rm(path, { recursive: true, force: true, maxRetries: 3 });
      await removeFiles().catch(() => {});
      await oneAtATime(async () => {
        // Whatever the first pass left (a file busy for a moment) goes first: prune needs the path gone.
        await removeFiles().catch(() => {});
        await git(root, ["worktree", "prune"]);
        dir.remove();
      });
    })();
    return removal;
  };
  const unregister = onCleanup(removeSync);
  // Checked again when its turn in the queue comes: an interrupt meanwhile adds nothing.
  const registered = await oneAtATime(async () =>
    options.signal?.aborted
      ? undefined
      : git(root, ["worktree", "add", "--detach", "--no-checkout", "--quiet", path, sha]),
  );
  // Filled outside the queue (what `worktree add` itself runs after registering: reset --hard), so a
  // second worktree's checkout need not wait for this one's 20k files.
  const added =
    registered?.ok && !options.signal?.aborted
      ? await git(path, ["reset", "--hard", "--quiet", "--no-recurse-submodules"])
      : registered;
  if (!added || options.signal?.aborted) {
    await removeSync();
    unregister();
    throw interruptedDuring(`the worktree of ${ref}`);
  }
  if (!added.ok || !existsSync(path)) {
    await removeSync();
    unregister();
    throw relayProofError(
      "INTERNAL",
      `git worktree add failed for ${ref}: ${added.stderr.split("\n")[0] ?? ""}`,
    );
  }
  settleIndex(path);
  return {
    path,
    sha,
    ref,
    // Unregistered only once removed: a Ctrl-C cleanup that starts meanwhile then waits for this
    // removal (the same promise) instead of exiting while git is still removing the worktree.
    async remove() {
      await removeSync();
      unregister();
    },
  };
}

/**
 * Move a temporary worktree to another commit (detached), for a worktree reused across bisect steps.
 * `--force` drops whatever a step's target run changed in tracked files; untracked files such as the
 * linked node_modules stay, so no step reinstalls or relinks.
 */
export async function checkoutDetached(worktree: Worktree, sha: string, signal?: AbortSignal): Promise<void> {
  throwIfInterrupted(signal, `the checkout of ${sha.slice(0, 12)}`);
  const moved = await git(worktree.path, ["checkout", "--quiet", "--force", "--detach", sha]);
  if (!moved.ok) {
    throw relayProofError(
      "INTERNAL",
      `git checkout ${sha.slice(0, 12)} failed in ${worktree.path}: ${moved.stderr.split("\n")[0] ?? ""}`,
    );
  }
  worktree.sha = sha;
}

/** Worktrees kept by slot and moved from commit to commit: one per parallel worker. */
export interface WorktreePool {
  /** Slot `slot`'s worktree, checked out at `sha` (made on first use, then reused). */
  at(slot: number, sha: string): Promise<Worktree>;
  /** How many worktrees the pool made. */
  readonly size: number;
  /** Remove every worktree it made; safe to call twice. */
  remove(): Promise<void>;
}

/** A pool of temporary worktrees of `root`; `prepare` runs once per new worktree (e.g. link node_modules). */
export function worktreePool(
  root: string,
  prepare: (worktree: Worktree) => void = () => {},
  signal?: AbortSignal,
): WorktreePool {
  const slots = new Map<number, Promise<Worktree>>();
  return {
    async at(slot, sha) {
      let made = slots.get(slot);
      if (!made) {
        made = addWorktree(root, sha, { signal }).then((worktree) => {
          prepare(worktree);
          return worktree;
        });
        slots.set(slot, made);
        return made;
      }
      const worktree = await made;
      if (worktree.sha !== sha) await checkoutDetached(worktree, sha, signal);
      return worktree;
    },
    get size() {
      return slots.size;
    },
    async remove() {
      const all = await Promise.allSettled(slots.values());
      await Promise.all(all.map((made) => (made.status === "fulfilled" ? made.value.remove() : undefined)));
    },
  };
}
