// One registry of what must be undone (child process groups, temp dirs, worktrees), run on normal
// completion and on SIGINT/SIGTERM, so no failure path leaves anything behind.

export type CleanupTask = () => void | Promise<void>;

const tasks: CleanupTask[] = [];

/** Register a task; call the returned function once the resource is released normally. */
export function onCleanup(task: CleanupTask): () => void {
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

/**
 * On SIGINT/SIGTERM/SIGHUP: run cleanup, then call `exit(128 + N)`. A second signal exits at once.
 * Returns a function that removes the handlers.
 */
let stopping = false;

/** True once a signal started the cleanup: the normal path must leave the exit to the handler. */
export function isStopping(): boolean {
  return stopping;
}

export function handleSignals(exit: (code: number, signal: HandledSignal) => void): () => void {
  const handlers = Object.keys(signalNumbers).map((name) => {
    const signal = name as HandledSignal;
    const handler = () => {
      const code = 128 + signalNumbers[signal];
      if (stopping) {
        exit(code, signal);
        return;
      }
      stopping = true;
      void runCleanup().finally(() => exit(code, signal));
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
