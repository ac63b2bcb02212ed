// What the scenario stage returns: every proof's section as the child reported it, how the child
// ended, and the views the verdict is decided on (one proof's section, or all folded together).
import type { RecordedClosure } from "./closure-recorder.ts";
import type { CheckSpec, CheckStatus } from "./definition.ts";

export interface CheckResult extends CheckSpec {
  status: CheckStatus;
  value: string;
  detail?: string;
  ran?: string;
  durationMs: number;
}

/** What the child reported about one proof. */
export interface ProofSection {
  id: string;
  info: Record<string, string>;
  checks: CheckResult[];
  cannotTest: string | undefined;
  harnessError: string | undefined;
  /** The proof's scenario (and its teardown) ran to its end. */
  completed: boolean;
  /** The check that was running when the child stopped early. */
  interruptedDuring: string | undefined;
}

/**
 * Everything the child reported, plus how it ended. The same shape whether it passed, failed or
 * crashed. `info`, `checks`, `cannotTest` and `harnessError` are the one proof's; with several, each
 * proof's section is in `sections` and the top-level lists hold them all, keys prefixed `<id>.`.
 */
export interface ScenarioResult {
  node: string | undefined;
  info: Record<string, string>;
  checks: CheckResult[];
  cannotTest: string | undefined;
  harnessError: string | undefined;
  /** The child sent `done`: the scenario ran to its end. */
  completed: boolean;
  timedOut: boolean;
  exitCode: number | undefined;
  signal: string | undefined;
  /** The check that was running when the child stopped early. */
  interruptedDuring: string | undefined;
  activeResources: string[];
  leftoverProcesses: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
  sections: ProofSection[];
  /** With `recordClosure`: every file the child and the processes it started loaded or looked at. */
  closure?: RecordedClosure;
  /** The child's stages as it timed them (its start, each import, check and hook command), epoch ms. */
  stages: { stage: string; startedAt: number; durationMs: number }[];
}

/** A scenario that has reported nothing yet (or never ran, with `cannotTest` set). */
export function emptyScenarioResult(cannotTest?: string): ScenarioResult {
  return {
    node: undefined,
    info: {},
    checks: [],
    cannotTest,
    harnessError: undefined,
    completed: false,
    timedOut: false,
    exitCode: undefined,
    signal: undefined,
    interruptedDuring: undefined,
    activeResources: [],
    leftoverProcesses: false,
    stdout: "",
    stderr: "",
    durationMs: 0,
    sections: [],
    stages: [],
  };
}

export function emptySection(id: string, cannotTest?: string): ProofSection {
  return {
    id,
    info: {},
    checks: [],
    cannotTest,
    harnessError: undefined,
    completed: cannotTest !== undefined,
    interruptedDuring: undefined,
  };
}

/**
 * One proof's part of a run, as a scenario result of its own. A proof that ran to its end stands
 * even when the child died later, in another proof; one that did not shares the child's fate.
 */
export function sectionView(result: ScenarioResult, section: ProofSection): ScenarioResult {
  const done = section.completed;
  return {
    ...result,
    info: section.info,
    checks: section.checks,
    cannotTest: section.cannotTest,
    harnessError: section.harnessError,
    completed: done || result.completed,
    timedOut: !done && result.timedOut,
    interruptedDuring: section.interruptedDuring,
    sections: [section],
  };
}

/**
 * The scenario with its top-level lists filled: the one proof's as they are, or every proof's with
 * keys prefixed by its id (`cannotTest` only when no proof could be tested).
 */
export function foldSections(result: ScenarioResult): ScenarioResult {
  const [only] = result.sections;
  if (result.sections.length === 1 && only) {
    return {
      ...result,
      info: only.info,
      checks: only.checks,
      cannotTest: result.cannotTest ?? only.cannotTest,
      harnessError: only.harnessError,
      interruptedDuring: only.interruptedDuring,
    };
  }
  const info: Record<string, string> = {};
  const checks: CheckResult[] = [];
  for (const section of result.sections) {
    for (const [key, value] of Object.entries(section.info)) info[`${section.id}.${key}`] = value;
    checks.push(...section.checks.map((check) => ({ ...check, key: `${section.id}.${check.key}` })));
  }
  const interrupted = result.sections.find((section) => section.interruptedDuring);
  const untestable = result.sections.filter((section) => section.cannotTest !== undefined);
  const none = untestable.length === result.sections.length && untestable.length > 0;
  return {
    ...result,
    info,
    checks,
    cannotTest:
      result.cannotTest ??
      (none ? untestable.map((section) => `${section.id}: ${section.cannotTest}`).join("; ") : undefined),
    harnessError: undefined,
    interruptedDuring: interrupted && `${interrupted.id}.${interrupted.interruptedDuring}`,
  };
}
