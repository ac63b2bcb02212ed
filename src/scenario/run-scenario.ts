import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { loaderCacheNames } from "../checkout/loader-cache.ts";
import { spawnGroup } from "../process/spawn-group.ts";
import { makeTargetSandbox } from "../process/target-sandbox.ts";
import {
  closureDirEnv,
  prepareClosureRecording,
  readClosure,
  recordingNodeOptions,
} from "./closure-recorder.ts";
import type { CliInfo } from "./definition.ts";
import {
  type ChildConfig,
  type ChildMessage,
  type ChildProof,
  childConfigEnv,
  isChildMessage,
} from "./messages.ts";
import { emptyScenarioResult, emptySection, type ScenarioResult } from "./scenario-result.ts";
import { siblingModule } from "./sibling.ts";

export {
  type CheckResult,
  emptyScenarioResult,
  emptySection,
  foldSections,
  type ProofSection,
  type ScenarioResult,
  sectionView,
} from "./scenario-result.ts";

export interface RunScenarioOptions {
  /** The proofs to run in this one child, in order, each with its definition and module. */
  proofs: ChildProof[];
  repoRoot: string;
  nodePath: string;
  tsxLoaderUrl: string;
  timeoutMs: number;
  /** `--command-timeout`: each hook command's limit, for the proof to honour. */
  commandTimeoutMs?: number;
  onMessage?: (message: ChildMessage) => void;
  onOutput?: (stream: "stdout" | "stderr", chunk: string) => void;
  signal?: AbortSignal;
  /** `--pass-env`: variables the caller chose to give the target beyond the allowlist. */
  passEnv?: readonly string[];
  /** The checkout's CLI the child poses as (process.argv[1]) and its hook commands run. */
  cli: CliInfo;
  /** Variables relay-proof sets for this run (e.g. `<NAME>_CLI_PATH` from --cli). */
  env?: NodeJS.ProcessEnv;
  /** The target's loader caches (jiti's, Node's compile cache), kept per tree in relay-proof's cache. */
  loaderCacheDir?: string;
  /** tsx's cache for this run (--build-mode source: per tree); default the machine's shared one. */
  tsxCacheDir?: string;
  /** Variables only the hook commands get (e.g. NODE_OPTIONS with the tsx loader, --build-mode source). */
  commandEnv?: Record<string, string>;
  /** `--coverage`: V8 coverage of these files, from the child and the hook commands it starts. */
  coverage?: { dir: string; files: string[] };
  /** Record every file the child and its hook commands load or look at (bisect's shortcut). */
  recordClosure?: boolean;
}

/** Link a cache that lives outside the run into the private TMPDIR, under the name its owner looks for. */
function linkCache(privateTmp: string, name: string, shared: string): void {
  try {
    mkdirSync(shared, { recursive: true, mode: 0o700 });
    if (!existsSync(join(privateTmp, name))) symlinkSync(shared, join(privateTmp, name));
  } catch {
    // a cold cache only costs time
  }
}

/**
 * Run a proof's scenario in a child Node process in the target's context: from the repo root, with
 * the target's tsx, a private HOME and TMPDIR (removed afterwards), an allowlisted environment (no
 * caller secrets), and a timeout on the whole group.
 */
export async function runScenario(options: RunScenarioOptions): Promise<ScenarioResult> {
  const sandbox = makeTargetSandbox("relay-proof-run-", options.passEnv);
  try {
    const tmp = sandbox.tmp;
    // tsx keeps its compile cache under TMPDIR; so do jiti (a built CLI compiles its plugins there) and
    // Node's compile cache (module.enableCompileCache(), which built CLIs call). They live outside the
    // per-run sandbox, so a second command and a second run start warm; HOME and TMPDIR stay private.
    const tsxCache = `tsx-${userInfo().uid}`;
    linkCache(tmp, tsxCache, options.tsxCacheDir ?? join(tmpdir(), tsxCache));
    const loaders = options.loaderCacheDir;
    if (loaders) for (const name of loaderCacheNames) linkCache(tmp, name, join(loaders, name));
    const recording = options.recordClosure ? prepareClosureRecording(sandbox.path) : undefined;
    const config: ChildConfig = {
      proofs: options.proofs,
      repoRoot: options.repoRoot,
      tmpDir: tmp,
      shellTimeoutMs: Math.max(1000, options.timeoutMs - 1000),
      commandTimeoutMs: options.commandTimeoutMs,
      cli: options.cli,
      ...(options.commandEnv && Object.keys(options.commandEnv).length > 0
        ? { commandEnv: options.commandEnv }
        : {}),
      coverage: options.coverage,
      closureNodeOptions: recording && recordingNodeOptions(recording),
    };
    const tsconfig = join(options.repoRoot, "tsconfig.json");
    const result = emptyScenarioResult();
    result.sections = options.proofs.map((proof) => emptySection(proof.id));
    const sectionOf = (id: string) => result.sections.find((section) => section.id === id);
    // The child's start is timed from here to its hello.
    const spawned = Date.now();
    const onMessage = (raw: unknown) => {
      if (!isChildMessage(raw)) return;
      const message = raw;
      const section = "proof" in message ? sectionOf(message.proof) : undefined;
      switch (message.type) {
        case "hello":
          result.node = message.node;
          result.stages.push({ stage: "child start", startedAt: spawned, durationMs: Date.now() - spawned });
          break;
        case "stage": {
          const prefix = options.proofs.length > 1 ? `${message.proof}.` : "";
          result.stages.push({
            stage: `${prefix}${message.stage}`,
            startedAt: message.startedAt,
            durationMs: message.durationMs,
          });
          break;
        }
        case "info":
          if (section) section.info[message.key] = message.value;
          break;
        case "check-start":
          if (section) section.interruptedDuring = message.key;
          break;
        case "check": {
          const { type: _type, proof: _proof, ...check } = message;
          if (section) {
            section.interruptedDuring = undefined;
            section.checks.push(check);
          }
          break;
        }
        case "cannot-test":
          if (section) section.cannotTest = message.reason;
          break;
        case "error":
          if (section) section.harnessError = message.message;
          break;
        case "proof-done":
          if (section) section.completed = true;
          break;
        case "done":
          result.completed = true;
          result.activeResources = message.activeResources;
          if (message.leftoverShellProcesses > 0) result.leftoverProcesses = true;
          break;
      }
      options.onMessage?.(message);
    };
    const child = await spawnGroup(
      options.nodePath,
      [
        "--import",
        options.tsxLoaderUrl,
        // After tsx: its hooks then hand every resolution and load on to the recorder's.
        ...(recording ? ["--import", recording.preloadUrl] : []),
        siblingModule(import.meta.url, "./child/main"),
      ],
      {
        cwd: options.repoRoot,
        env: sandbox.env({
          ...options.env,
          ...(existsSync(tsconfig) ? { TSX_TSCONFIG_PATH: tsconfig } : {}),
          [childConfigEnv]: JSON.stringify(config),
          ...(recording ? { [closureDirEnv]: recording.dir } : {}),
        }),
        timeoutMs: options.timeoutMs,
        onMessage,
        onOutput: options.onOutput,
        signal: options.signal,
      },
    );
    result.timedOut = child.timedOut;
    result.exitCode = child.exitCode;
    result.signal = child.signal;
    result.leftoverProcesses ||= child.leftoverProcesses;
    result.stdout = child.stdout;
    result.stderr = child.spawnError ? `${child.stderr}\n${child.spawnError}` : child.stderr;
    result.durationMs = child.durationMs;
    for (const section of result.sections) if (section.completed) section.interruptedDuring = undefined;
    if (recording) result.closure = readClosure(recording);
    return result;
  } finally {
    sandbox.remove();
  }
}
