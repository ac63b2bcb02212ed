import { existsSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { spawnGroup } from "../../process/spawn-group.ts";
import type { CheckOutcome, CheckSpec, ScenarioContext, ShellResult } from "../definition.ts";
import type { ChildConfig, ChildMessage, ChildProof } from "../messages.ts";
import type { InstanceGraphs } from "./instances.ts";

const cannotTestBrand = Symbol.for("relay-proof.cannot-test");

export interface CannotTestSignal {
  [cannotTestBrand]: true;
  reason: string;
}

export function isCannotTest(value: unknown): value is CannotTestSignal {
  return typeof value === "object" && value !== null && cannotTestBrand in value;
}

export interface ChildContext extends ScenarioContext {
  /** Send a message about this proof, its secrets redacted. */
  report(message: ChildMessage): void;
  teardown(): Promise<void>;
  leftoverShellProcesses(): number;
}

export function createContext(
  config: ChildConfig,
  proof: ChildProof,
  send: (message: ChildMessage) => void,
  graphs: InstanceGraphs,
): ChildContext {
  const teardownTasks: (() => unknown)[] = [];
  let leftovers = 0;
  const secrets: string[] = [];
  const clean = (value: unknown): unknown => {
    if (typeof value === "string")
      return secrets.reduce((text, secret) => text.split(secret).join("[redacted]"), value);
    if (typeof value !== "object" || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, clean(item)]));
  };
  const sendClean = (message: ChildMessage) =>
    send(secrets.length ? (clean(message) as ChildMessage) : message);
  /** Run `work` as a stage of the run's timeline, reported whether it returns or throws. */
  const time = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const startedAt = Date.now();
    try {
      return await work();
    } finally {
      sendClean({ type: "stage", proof: proof.id, stage, startedAt, durationMs: Date.now() - startedAt });
    }
  };
  const imported = new Set<string>();
  return {
    repoRoot: config.repoRoot,
    modulePath: proof.modulePath,
    tmpDir: config.tmpDir,
    cli: config.cli,
    commandTimeoutMs: config.commandTimeoutMs,
    async load(instance, path = proof.modulePath) {
      const absolute = isAbsolute(path) ? path : join(config.repoRoot, path);
      // A distinct query string makes the ESM loader create a distinct module instance; the instance
      // hook carries it to every module of the checkout's own that this one imports (instances.ts).
      const url = graphs.urlOf(instance, absolute);
      const load = async () => {
        const loaded = (await import(url)) as Record<string, unknown>;
        graphs.loaded(instance, absolute);
        return loaded;
      };
      if (imported.has(url)) return load();
      imported.add(url);
      // The first import of each file into each instance: what a copy of the graph costs.
      const file = absolute === proof.modulePath ? "" : ` ${relative(config.repoRoot, absolute)}`;
      return time(`import ${instance}${file}`, load);
    },
    time,
    modulesOf: (instance) => graphs.modules(instance),
    find(relativePath) {
      const absolute = join(config.repoRoot, relativePath);
      return existsSync(absolute) ? absolute : undefined;
    },
    info(key, value) {
      sendClean({ type: "info", proof: proof.id, key, value });
    },
    check: (spec: CheckSpec, run: () => Promise<CheckOutcome>) =>
      time(`check ${spec.key}`, async () => {
        sendClean({ type: "check-start", proof: proof.id, key: spec.key });
        const started = performance.now();
        try {
          const outcome = await run();
          sendClean({
            type: "check",
            proof: proof.id,
            ...spec,
            ...outcome,
            durationMs: Math.round(performance.now() - started),
          });
          return outcome;
        } catch (error) {
          if (isCannotTest(error)) throw error;
          const message = error instanceof Error ? error.message : String(error);
          sendClean({
            type: "check",
            proof: proof.id,
            ...spec,
            status: "error",
            value: `harness-error:${message}`,
            durationMs: Math.round(performance.now() - started),
          });
          return { status: "fail", value: `harness-error:${message}` };
        }
      }),
    cannotTest(reason): never {
      const signal: CannotTestSignal = { [cannotTestBrand]: true, reason };
      throw signal;
    },
    async runShell(command, options): Promise<ShellResult> {
      const result = await spawnGroup("/bin/sh", ["-c", command], {
        cwd: config.repoRoot,
        // Hook commands are processes of their own: NODE_V8_COVERAGE makes each write its coverage.
        env: {
          ...process.env,
          ...config.commandEnv,
          ...options.env,
          ...(config.coverage ? { NODE_V8_COVERAGE: config.coverage.dir } : {}),
          // Recording the closure: the command's Node processes record what they load as well (after
          // the tsx loader --build-mode source puts there, when both are set).
          ...(config.closureNodeOptions
            ? {
                NODE_OPTIONS: [config.commandEnv?.NODE_OPTIONS, config.closureNodeOptions]
                  .filter(Boolean)
                  .join(" "),
              }
            : {}),
        },
        input: options.input,
        timeoutMs: options.timeoutMs,
        killGraceMs: 500,
      });
      if (result.leftoverProcesses) leftovers += 1;
      return {
        exitCode: result.exitCode,
        signal: result.signal,
        timedOut: result.timedOut,
        stdout: result.stdout,
        stderr: result.stderr,
      };
    },
    redact(secret) {
      if (secret.length >= 6 && !secrets.includes(secret)) secrets.push(secret);
    },
    onTeardown(task) {
      teardownTasks.push(task);
    },
    async teardown() {
      for (const task of teardownTasks.reverse()) {
        try {
          await task();
        } catch {
          // teardown is best effort; leftovers are reported from active resources
        }
      }
    },
    leftoverShellProcesses: () => leftovers,
    report: sendClean,
  };
}
