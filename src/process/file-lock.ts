// A lock file that names its owner's pid, for work two relay-proof processes may want at once (the
// build of one tree): one does it, the other waits; the lock of an owner that died is taken over.
// Issue 18. Correctness never rests on it alone: what the owner makes appears by an atomic rename.
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { onCleanup } from "./cleanup.ts";
import { throwIfInterrupted } from "./interrupted.ts";
import { processAlive } from "./spawn-group.ts";

export interface FileLock {
  readonly path: string;
  /** The dead owner whose lock this one replaced, if any. */
  readonly tookOverFrom: number | undefined;
  /** Remove the lock (only while it is still this process's); safe to call twice. */
  release(): void;
}

export interface AcquireOptions {
  signal?: AbortSignal;
  /** Called once, when the lock is held by a live process: this one waits for it. */
  onWait?: (owner: number) => void;
  /** How often a waiter looks again. */
  pollMs?: number;
}

/** The pid a lock file names; undefined when it is gone, NaN when it names none. */
function readOwner(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : Number.NaN;
}

/** The pid a lock file names, or undefined when it is gone or unreadable. */
export function lockOwner(path: string): number | undefined {
  const pid = readOwner(path);
  return pid === undefined || Number.isNaN(pid) ? undefined : pid;
}

/** Try once: create the lock with this pid in it, atomically (link fails when it exists). */
function tryCreate(path: string): boolean {
  const own = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  writeFileSync(own, `${process.pid}\n`);
  try {
    linkSync(own, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(own, { force: true });
  }
}

/**
 * Remove the lock of `dead`, and only that one: it is moved aside atomically first, and put back when
 * what was moved turns out to be a live owner's newer lock.
 */
function takeOver(path: string, dead: number): void {
  const same = (pid: number | undefined) => pid === dead || (Number.isNaN(dead) && Number.isNaN(pid));
  const aside = `${path}.stale.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else took it over first
  }
  if (!same(readOwner(aside))) {
    try {
      linkSync(aside, path);
    } catch {
      // a third run holds it now; the moved lock's owner finds out when it releases
    }
  }
  rmSync(aside, { force: true });
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Hold the lock at `path`: wait while a live process holds it, take it over from a dead one. */
export async function acquireLock(path: string, options: AcquireOptions = {}): Promise<FileLock> {
  let tookOverFrom: number | undefined;
  let waited = false;
  for (;;) {
    throwIfInterrupted(options.signal, `the wait for ${path}`);
    if (tryCreate(path)) break;
    const owner = readOwner(path);
    if (owner === undefined) continue; // released meanwhile
    // Locks are linked in whole, never half-written: one that names no pid is no owner's.
    if (Number.isNaN(owner) || (owner !== process.pid && !processAlive(owner))) {
      takeOver(path, owner);
      if (!Number.isNaN(owner)) tookOverFrom = owner;
      continue;
    }
    if (!waited) options.onWait?.(owner);
    waited = true;
    await pause(options.pollMs ?? 200, options.signal);
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    unregister();
    if (lockOwner(path) === process.pid) rmSync(path, { force: true });
  };
  const unregister = onCleanup(release);
  return { path, tookOverFrom, release };
}
