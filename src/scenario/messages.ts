// Messages the scenario child sends to the engine over IPC, as a discriminated union.

import type { CheckSpec, CheckStatus, CliInfo } from "./definition.ts";

/** One proof the child runs: its definition and the module it proves. */
export interface ChildProof {
  id: string;
  definitionUrl: string;
  modulePath: string;
}

export interface ChildConfig {
  /** The proofs to run, in order, in this one child: they share its import of the module closure. */
  proofs: ChildProof[];
  repoRoot: string;
  tmpDir: string;
  /** Per-check timeout for shell commands the scenario runs. */
  shellTimeoutMs: number;
  /** `--command-timeout`: each hook command's limit; undefined lets the proof choose. */
  commandTimeoutMs?: number;
  /** The checkout's CLI; the child sets process.argv[1] to its entry before any target code loads. */
  cli: CliInfo;
  /** Variables only the hook commands get (NODE_OPTIONS with the tsx loader, --build-mode source). */
  commandEnv?: Record<string, string>;
  /** `--coverage`: block coverage of these absolute files goes to `dir` (hook commands' too). */
  coverage?: { dir: string; files: string[] };
  /** Recording the closure (bisect's shortcut): NODE_OPTIONS that make a hook command record too. */
  closureNodeOptions?: string;
}

export const childConfigEnv = "RELAY_PROOF_CHILD_CONFIG";

/** Every message about one proof names it (`proof`, its id); hello and done are the child's. */
export type ChildMessage =
  | { type: "hello"; node: string; pid: number }
  | { type: "info"; proof: string; key: string; value: string }
  | { type: "check-start"; proof: string; key: string }
  | ({
      type: "check";
      proof: string;
      status: CheckStatus;
      value: string;
      detail?: string;
      ran?: string;
      durationMs: number;
    } & CheckSpec)
  | { type: "cannot-test"; proof: string; reason: string }
  | { type: "error"; proof: string; message: string; stack?: string }
  | { type: "proof-done"; proof: string }
  | { type: "stage"; proof: string; stage: string; startedAt: number; durationMs: number }
  | { type: "done"; activeResources: string[]; leftoverShellProcesses: number };

export function isChildMessage(value: unknown): value is ChildMessage {
  return (
    typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string"
  );
}
