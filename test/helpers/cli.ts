import { execFile } from "node:child_process";
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
