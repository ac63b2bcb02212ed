// Messages the scenario child sends to the engine over IPC, as a discriminated union.

import type { CheckSpec, CheckStatus, CliInfo } from "./definition.ts";

export interface ChildConfig {
  definitionUrl: string;
  repoRoot: string;
  modulePath: string;
  tmpDir: string;
  /** Per-check timeout for shell commands the scenario runs. */
  shellTimeoutMs: number;
  /** `--command-timeout`: each hook command's limit; undefined lets the proof choose. */
  commandTimeoutMs?: number;
  /** The checkout's CLI; the child sets process.argv[1] to its entry before any target code loads. */
  cli: CliInfo;
  /** `--coverage`: block coverage of these absolute files goes to `dir` (hook commands' too). */
  coverage?: { dir: string; files: string[] };
}

export const childConfigEnv = "RELAY_PROOF_CHILD_CONFIG";

export type ChildMessage =
  | { type: "hello"; node: string; pid: number }
  | { type: "info"; key: string; value: string }
  | { type: "check-start"; key: string }
  | ({
      type: "check";
      status: CheckStatus;
      value: string;
      detail?: string;
      ran?: string;
      durationMs: number;
    } & CheckSpec)
  | { type: "cannot-test"; reason: string }
  | { type: "error"; message: string; stack?: string }
  | { type: "done"; activeResources: string[]; leftoverShellProcesses: number };

export function isChildMessage(value: unknown): value is ChildMessage {
  return (
    typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string"
  );
}
