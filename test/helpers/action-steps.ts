import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { tempDir } from "./fixture-repo.ts";

/** relay-proof's root: the folder GitHub checks the action out into ($GITHUB_ACTION_PATH). */
export const actionRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "..", "..");

export interface ActionStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string | number | boolean>;
}

export interface ActionDefinition {
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export function loadAction(): ActionDefinition {
  return parse(readFileSync(join(actionRoot, "action.yml"), "utf8")) as ActionDefinition;
}

export interface StepRun {
  step: ActionStep;
  /** run: the shell ran here; uses: an action GitHub would run (setup-node, upload-artifact), not run here. */
  kind: "run" | "uses" | "skipped";
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** A uses step's `with:`, its expressions evaluated. */
  with: Record<string, string>;
}

export interface ActionRun {
  steps: StepRun[];
  step(id: string): StepRun;
  /** The action's outputs, as the caller's `steps.<id>.outputs` would read them. */
  outputs: Record<string, string>;
  summary: string;
  runnerTemp: string;
  tmp: string;
}

interface Contexts {
  inputs: Record<string, string>;
  steps: Record<string, Record<string, string>>;
}

/** `${{ ... }}` as the runner evaluates it, for the only two contexts action.yml may use. */
export function evaluate(text: string, contexts: Contexts): string {
  return text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_match, expression: string) => {
    const input = /^inputs\.([\w-]+)$/.exec(expression);
    if (input?.[1]) return contexts.inputs[input[1]] ?? "";
    const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
    if (output?.[1] && output[2]) return contexts.steps[output[1]]?.[output[2]] ?? "";
    throw new Error(`action.yml uses an expression this local runner does not model: ${expression}`);
  });
}

/** $GITHUB_OUTPUT's two forms: name=value and name<<DELIMITER ... DELIMITER. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] && heredoc[2]) {
      const end = lines.indexOf(heredoc[2], i + 1);
      outputs[heredoc[1]] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return outputs;
}

function bash(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    // What GitHub runs for `shell: bash`: bash --noprofile --norc -eo pipefail {0}.
    execFile(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", script],
      { cwd, env, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === "number" ? error.code : null) : 0;
        done({ exitCode, stdout, stderr });
      },
    );
  });
}

/**
 * Run action.yml's steps here, in order, the way a runner does: each `run:` step's shell with the
 * `env:` it maps (expressions evaluated), a fresh $GITHUB_OUTPUT per step, one $GITHUB_STEP_SUMMARY,
 * $GITHUB_PATH honoured, $GITHUB_ACTION_PATH at this checkout and a private $RUNNER_TEMP. `uses:`
 * steps (actions/setup-node, actions/upload-artifact) need GitHub and are recorded, not run; after a
 * failed step the rest are skipped. RELAY_PROOF_ACTION_PREINSTALLED=1 lets the first step use this
 * checkout's installed and built relay-proof instead of `npm ci` from the network; the tests pass
 * install: false for the target's own install likewise.
 */
export async function runActionLocally(
  inputs: Record<string, string>,
  options: { workspace: string; stopAfter?: string },
): Promise<ActionRun> {
  const action = loadAction();
  const tmp = tempDir("relay-proof-action-tmp-");
  const runnerTemp = tempDir("relay-proof-runner-temp-");
  const summaryFile = join(runnerTemp, "step-summary.md");
  const pathFile = join(runnerTemp, "github-path");
  writeFileSync(summaryFile, "");
  writeFileSync(pathFile, "");
  const contexts: Contexts = { inputs: {}, steps: {} };
  for (const [name, input] of Object.entries(action.inputs)) contexts.inputs[name] = input.default ?? "";
  Object.assign(contexts.inputs, inputs);
  // The machine's own environment, less anything a real runner (if the suite runs on one) set.
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(GITHUB_|RUNNER_|INPUT_)/.test(key)),
  );
  const steps: StepRun[] = [];
  let failed = false;
  let stopped = false;
  for (const [index, step] of action.runs.steps.entries()) {
    const record: StepRun = {
      step,
      kind: "skipped",
      exitCode: null,
      stdout: "",
      stderr: "",
      outputs: {},
      with: {},
    };
    steps.push(record);
    if (failed || stopped) continue;
    if (step.uses) {
      record.kind = "uses";
      for (const [key, value] of Object.entries(step.with ?? {}))
        record.with[key] = evaluate(String(value), contexts);
      continue;
    }
    if (step.if !== undefined)
      throw new Error(`run step "${step.name}" has an if: this runner does not model`);
    if (step.shell !== "bash" || step.run === undefined)
      throw new Error(`step "${step.name}" is not a bash run step`);
    const outputFile = join(runnerTemp, `output-${index}`);
    const script = join(runnerTemp, `step-${index}.sh`);
    writeFileSync(outputFile, "");
    writeFileSync(script, step.run);
    const addedPath = readFileSync(pathFile, "utf8").split("\n").filter(Boolean).reverse();
    const env: NodeJS.ProcessEnv = {
      ...base,
      PATH: [...addedPath, process.env.PATH].join(":"),
      NO_COLOR: "1",
      TMPDIR: tmp,
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_ACTION_PATH: actionRoot,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_PATH: pathFile,
      RUNNER_TEMP: runnerTemp,
      RELAY_PROOF_ACTION_PREINSTALLED: "1",
    };
    for (const [key, value] of Object.entries(step.env ?? {})) env[key] = evaluate(value, contexts);
    Object.assign(record, { kind: "run" }, await bash(script, options.workspace, env));
    record.outputs = existsSync(outputFile) ? parseOutputs(readFileSync(outputFile, "utf8")) : {};
    if (step.id) contexts.steps[step.id] = record.outputs;
    failed = record.exitCode !== 0;
    stopped = step.id !== undefined && step.id === options.stopAfter;
  }
  const outputs = Object.fromEntries(
    Object.entries(action.outputs).map(([name, output]) => [name, evaluate(output.value, contexts)]),
  );
  return {
    steps,
    step: (id) => {
      const found = steps.find((run) => run.step.id === id);
      if (!found) throw new Error(`action.yml has no step with id ${id}`);
      return found;
    },
    outputs,
    summary: readFileSync(summaryFile, "utf8"),
    runnerTemp,
    tmp,
  };
}
