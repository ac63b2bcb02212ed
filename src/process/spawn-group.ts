import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { onCleanup } from "./cleanup.ts";

export interface SpawnGroupOptions {
  cwd: string;
  /** The complete environment of the child (nothing is inherited implicitly). */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL of the whole group. */
  killGraceMs?: number;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
  /** Open a Node IPC channel (the child must be Node) and deliver each message here. */
  onMessage?: (message: unknown) => void;
  /** Each chunk of stdout/stderr as it arrives (live output for --verbose). */
  onOutput?: (stream: "stdout" | "stderr", chunk: string) => void;
  signal?: AbortSignal;
  /** How long group members may outlive the leader before they count as left behind. */
  leftoverGraceMs?: number;
  /** Keep at most this many characters of each stream (the tail). */
  maxBuffer?: number;
}

/** The same shape for success and failure: callers read fields, they never catch. */
export interface SpawnGroupResult {
  command: readonly string[];
  exitCode: number | undefined;
  signal: string | undefined;
  timedOut: boolean;
  aborted: boolean;
  /** Members of the process group were still alive after the leader exited; they were killed. */
  leftoverProcesses: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Set when the process could not be started at all. */
  spawnError: string | undefined;
}

const signalNumbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Exit code as a shell reports it: a child killed by signal N maps to 128+N. */
export function shellExitCode(result: Pick<SpawnGroupResult, "exitCode" | "signal">): number | undefined {
  if (result.exitCode !== undefined) return result.exitCode;
  if (result.signal) return 128 + (signalNumbers[result.signal] ?? 0);
  return undefined;
}

/** State letter and process group of a pid from /proc (Linux), or undefined when it is gone. */
function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0] ?? "", pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** A live process, not a zombie (an init that does not reap leaves killed orphans as zombies). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync("/proc/self/stat") ? procStat(pid) : undefined;
  return stat === undefined ? !existsSync("/proc/self/stat") : stat.state !== "Z" && stat.state !== "X";
}

/** Does any live (non-zombie) process remain in the process group led by `pid`? */
export function processGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
  } catch {
    return false;
  }
  if (!existsSync("/proc/self/stat")) return true;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat && stat.pgrp === pid && stat.state !== "Z" && stat.state !== "X") return true;
  }
  return false;
}

/** True once no live member of the group remains; false when `ms` pass first or `stop()` says so. */
async function groupGone(pid: number, ms: number, stop: () => boolean = () => false): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (processGroupAlive(pid)) {
    if (stop() || performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/**
 * Spawn `file args` as the leader of a new process group, with a timeout that kills the whole group
 * (SIGTERM, then SIGKILL after a grace) and a cleanup hook so an interrupt kills it too. Any group
 * member still alive when the leader exits is killed and reported as `leftoverProcesses`.
 */
export function spawnGroup(
  file: string,
  args: readonly string[],
  options: SpawnGroupOptions,
): Promise<SpawnGroupResult> {
  const started = performance.now();
  // Interrupted already: nothing new starts (an aborted result, as when it is stopped mid-way).
  if (options.signal?.aborted) {
    return Promise.resolve({
      command: [file, ...args],
      exitCode: undefined,
      signal: undefined,
      timedOut: false,
      aborted: true,
      leftoverProcesses: false,
      stdout: "",
      stderr: "",
      durationMs: 0,
      spawnError: "interrupted before it started",
    });
  }
  const grace = options.killGraceMs ?? 2000;
  const leftoverGraceMs = options.leftoverGraceMs ?? 1000;
  const maxBuffer = options.maxBuffer ?? 1024 * 1024;
  const ipc = options.onMessage !== undefined;
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: [
      options.input === undefined ? "ignore" : "pipe",
      "pipe",
      "pipe",
      ...(ipc ? ["ipc" as const] : []),
    ],
    serialization: "json",
  });
  const pid = child.pid;
  let stdout = "";
  let stderr = "";
  let timedOut = false;
  let aborted = false;
  let spawnError: string | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const terminate = () => {
    if (pid === undefined) return;
    killGroup(pid, "SIGTERM");
    killTimer ??= setTimeout(() => killGroup(pid, "SIGKILL"), grace);
  };
  // On Ctrl-C: SIGTERM first, so a child relay-proof (a bisect step) can clean up after itself,
  // then SIGKILL whatever is left after the grace.
  const unregister = onCleanup(async () => {
    if (pid === undefined) return;
    killGroup(pid, "SIGTERM");
    await groupGone(pid, grace);
    killGroup(pid, "SIGKILL");
  });
  const timer = setTimeout(() => {
    timedOut = true;
    terminate();
  }, options.timeoutMs);
  const onAbort = () => {
    aborted = true;
    terminate();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });

  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout = (stdout + chunk).slice(-maxBuffer);
    options.onOutput?.("stdout", chunk);
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-maxBuffer);
    options.onOutput?.("stderr", chunk);
  });
  if (options.onMessage) child.on("message", options.onMessage);
  if (options.input !== undefined && child.stdin) {
    // A hook that exits without reading its stdin must not crash the harness with EPIPE.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input);
  }

  return new Promise((resolve) => {
    let leftoverProcesses = false;
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener("abort", onAbort);
      unregister();
      resolve({
        command: [file, ...args],
        exitCode: code ?? undefined,
        signal: signal ?? undefined,
        timedOut,
        aborted,
        leftoverProcesses,
        stdout,
        stderr,
        durationMs: Math.round(performance.now() - started),
        spawnError,
      });
    };
    child.on("error", (error) => {
      spawnError = error.message;
      if (pid === undefined) finish(null, null);
    });
    // A group member that outlives the leader (past a grace: a loader's helper process exits on its
    // own) may hold the pipes open: kill it so 'close' can fire, and report it.
    child.on("exit", () => {
      if (pid === undefined) return;
      void groupGone(pid, leftoverGraceMs, () => settled).then((gone) => {
        if (gone || settled) return;
        leftoverProcesses = true;
        killGroup(pid, "SIGKILL");
      });
    });
    child.on("close", (code, signal) => {
      if (pid === undefined) {
        finish(code, signal);
        return;
      }
      void groupGone(pid, leftoverGraceMs).then((gone) => {
        if (!gone) {
          leftoverProcesses = true;
          killGroup(pid, "SIGKILL");
        }
        finish(code, signal);
      });
    });
  });
}
