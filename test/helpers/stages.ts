// Deterministic stage hooks for the interrupt matrix: a fixture step writes a marker file when it is
// reached and then blocks; the test waits for the marker (never for a time) and sends the signal.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { processGroupAlive } from "../../src/process/spawn-group.ts";
import { binPath } from "./cli.ts";

/** JS that marks `marker` reached and never settles (the harness must stop it). */
export function blockAt(marker: string): string {
  return `(await import("node:fs")).writeFileSync(${JSON.stringify(marker)}, String(process.pid));
await new Promise(() => setInterval(() => {}, 1000));
`;
}

/** A relay module whose invoke marks `marker` and never answers: the scenario hangs in its first check. */
export function relayBlockingAt(marker: string): string {
  return `import { writeFileSync } from "node:fs";
export function registerNativeHookRelay(p) { return { relayId: p.relayId, generation: "g", unregister() {} }; }
export function invokeNativeHookRelay() {
  writeFileSync(${JSON.stringify(marker)}, String(process.pid));
  return new Promise(() => setInterval(() => {}, 1000));
}
`;
}

/** A relay whose hook command (a process group of the child's own) marks `marker` and blocks. */
export function relayWithBlockingCommand(marker: string): string {
  const script = `require("fs").writeFileSync(${JSON.stringify(marker)}, String(process.pid)); setInterval(() => {}, 1000)`;
  const command = `${process.execPath} -e '${script}'`;
  return `export function registerNativeHookRelay(p) {
  return { relayId: p.relayId, generation: "g", unregister() {}, commandForEvent: () => ${JSON.stringify(command)} };
}
export async function invokeNativeHookRelay() { return { stdout: "", stderr: "", exitCode: 0 }; }
`;
}

export interface StoppedRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** relay-proof's pid: the leader of its own process group. */
  pid: number;
}

/**
 * Start the CLI as the leader of its own process group, wait until every marker file exists (or the
 * run ends first: then the markers were never reached and the caller's assertions fail), send
 * `signal`, then call `after` (e.g. to let a blocked git finish) and wait for the exit.
 */
export async function stopAt(
  args: string[],
  options: {
    markers: string[];
    signal: NodeJS.Signals;
    env: NodeJS.ProcessEnv;
    after?: () => void;
  },
): Promise<StoppedRun & { reached: boolean }> {
  const child = spawn(process.execPath, [binPath, ...args], {
    env: { ...process.env, GITHUB_ACTIONS: "false", NO_COLOR: "1", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const closed = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  let ended = false;
  void closed.then(() => {
    ended = true;
  });
  while (!ended && !options.markers.every((marker) => existsSync(marker))) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const reached = !ended;
  if (reached) {
    child.kill(options.signal);
    options.after?.();
  }
  const exitCode = await closed;
  return { exitCode, stdout, stderr, pid: child.pid as number, reached };
}

/** Live processes whose TMPDIR is under `dir`: relay-proof, its children, the target's processes. */
export function processesWithTmp(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"))) continue;
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      const tmp = environ.find((entry) => entry.startsWith("TMPDIR="))?.slice("TMPDIR=".length);
      if (tmp?.startsWith(dir)) found.push(`${pid} ${readlinkSync(`/proc/${pid}/exe`)}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** No member of the process group led by `pid` is alive. */
export function groupGone(pid: number): boolean {
  return !processGroupAlive(pid);
}

/** What a run left in a cache dir: partial builds, locks, entries without meta.json. */
export function halfWrittenCacheEntries(cache: string): string[] {
  const builds = join(cache, "builds");
  if (!existsSync(builds)) return [];
  return readdirSync(builds).filter(
    (name) => name.startsWith(".") || !existsSync(join(builds, name, "meta.json")),
  );
}
