// Calling target code safely: every call is captured as data (a value or the error's message), so a
// throw is an observation, never a crash of the proof.

export type Fn = (params: Record<string, unknown>) => unknown;
export type Instance = Record<string, unknown>;
export type Captured = { ok: true; value: unknown } | { ok: false; error: string };

export async function capture(run: () => unknown): Promise<Captured> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export function exportedFunction(instance: Instance | undefined, name: string): Fn | undefined {
  const value = instance?.[name];
  return typeof value === "function" ? (value as Fn) : undefined;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Poll `done` every 5 ms for up to `ms`; true as soon as it holds. */
export async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

/** `promise`, or `undefined` once `ms` passed without it settling. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A one-line rendering of an answer for a proof line value. */
export function describe(result: Captured): string {
  if (!result.ok) return `error:${result.error}`;
  const exitCode = (result.value as { exitCode?: unknown } | null)?.exitCode;
  return typeof exitCode === "number" ? `exit ${exitCode}` : "unexpected-response";
}
