// One registry of what must be undone (child process groups, temp dirs, worktrees), run on normal
// completion and on SIGINT/SIGTERM, so no failure path leaves anything behind.

export type CleanupTask = () => void | Promise<void>;

const tasks: CleanupTask[] = [];
/** Set once the last cleanup before an interrupted exit began: what registers later is undone at once. */
let closing = false;

/** Register a task; call the returned function once the resource is released normally. */
export function onCleanup(task: CleanupTask): () => void {
  if (closing) {
    // The exit is under way: nothing may outlive it, so the resource goes now.
    void Promise.resolve()
      .then(task)
      .catch(() => {});
    return () => {};
  }
  tasks.push(task);
  return () => {
    const index = tasks.indexOf(task);
    if (index !== -1) tasks.splice(index, 1);
  };
}

/** Run every pending task, newest first; errors are collected, never thrown half-way. */
export async function runCleanup(): Promise<Error[]> {
  const errors: Error[] = [];
  while (tasks.length > 0) {
    const task = tasks.pop() as CleanupTask;
    try {
      await task();
    } catch (error) {
      errors.push(error as Error);
    }
  }
  return errors;
}

export function pendingCleanupCount(): number {
  return tasks.length;
}

const signalNumbers = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
export type HandledSignal = keyof typeof signalNumbers;

/** The exit code of a process stopped by `signal`: 128 + N, as a shell reports it. */
export function signalExitCode(signal: HandledSignal): number {
  return 128 + signalNumbers[signal];
}

export interface Interrupts {
  /**
   * The one signal every stage honours: aborted (its reason the signal's name) on the first
   * SIGINT/SIGTERM/SIGHUP, so no new worktree, install, build, child, shard or coverage step starts and
   * the ones in flight are stopped.
   */
  readonly signal: AbortSignal;
  /** Resolves with the first signal received. */
  readonly received: Promise<HandledSignal>;
  /** Remove the handlers. */
  dispose(): void;
}

/**
 * Watch SIGINT/SIGTERM/SIGHUP: the first aborts `signal` (the caller lets the work stop, cleans up and
 * exits 128+N); a second one calls `exitNow(128+N)` at once.
 */
export function watchInterrupts(exitNow: (code: number, signal: HandledSignal) => void): Interrupts {
  const controller = new AbortController();
  let resolveReceived: (signal: HandledSignal) => void = () => {};
  const received = new Promise<HandledSignal>((resolve) => {
    resolveReceived = resolve;
  });
  const handlers = Object.keys(signalNumbers).map((name) => {
    const signal = name as HandledSignal;
    const handler = () => {
      if (controller.signal.aborted) {
        exitNow(signalExitCode(signal), signal);
        return;
      }
      controller.abort(signal);
      resolveReceived(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return {
    signal: controller.signal,
    received,
    dispose() {
      for (const [signal, handler] of handlers) process.off(signal, handler);
    },
  };
}

/**
 * The last cleanup before an interrupted exit: wait (at most `graceMs`) for the work to stop on its
 * own (its stages release what they made), then undo whatever is still registered. Anything
 * registered after this began is undone at once.
 */
export async function cleanupAfterInterrupt(work: Promise<unknown>, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    }),
  ]);
  clearTimeout(timer);
  closing = true;
  await runCleanup();
}

/**
 * For a process that only needs its registry undone on a signal (the scenario child, whose hook
 * commands are process groups of their own): run cleanup, then `exit(128 + N)`.
 */
export function cleanupOnSignals(exit: (code: number) => void): () => void {
  const watch = watchInterrupts((code) => exit(code));
  void watch.received.then(async (signal) => {
    closing = true;
    await runCleanup();
    exit(signalExitCode(signal));
  });
  return () => watch.dispose();
}
