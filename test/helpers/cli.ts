import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const binPath = fileURLToPath(new URL("../../bin/relay-proof.js", import.meta.url));

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI (npm test builds first) as a user would. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [binPath, ...args],
      {
        cwd: options.cwd,
        // Not on GitHub Actions even when the suite runs there: no annotations in asserted output.
        env: { ...process.env, NO_COLOR: "1", GITHUB_ACTIONS: "false", ...options.env },
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

/** The `[proof]` lines as key -> value, in order. */
export function proofLines(output: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const line of output.split("\n")) {
    const match = /^\[proof\] ([^=]+)=(.*)$/.exec(line);
    if (match?.[1]) lines.set(match[1], match[2] ?? "");
  }
  return lines;
}

/** A relay whose invoke never answers: the scenario hangs in its first check. */
export const hangingRelay = `
  export function registerNativeHookRelay(p) { return { relayId: p.relayId, generation: "g", unregister() {} }; }
  export function invokeNativeHookRelay() { return new Promise(() => setInterval(() => {}, 1000)); }
`;

/** Start the CLI, send SIGINT once `marker` shows on stderr, and report how it ended. */
export async function interrupt(
  args: string[],
  marker: string,
  tmp: string,
): Promise<{ exitCode: number | null; stderr: string }> {
  const child = spawn(process.execPath, [binPath, ...args], {
    env: { ...process.env, TMPDIR: tmp, GITHUB_ACTIONS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let sent = false;
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    if (!sent && stderr.includes(marker)) {
      sent = true;
      setTimeout(() => child.kill("SIGINT"), 700);
    }
  });
  const exitCode = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { exitCode, stderr };
}
