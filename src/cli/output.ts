import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { relayProofError } from "../errors.ts";
import { renderCoverageHtml } from "../reports/coverage-html.ts";
import { appendJobSummary, renderAnnotations } from "../reports/github.ts";
import { isReportFormat, reporters } from "../reports/index.ts";
import type { Report } from "../result/types.ts";
import type { CommandIo, CommandOutcome } from "./argv/types.ts";

/** The output flags every command that produces a result shares. */
export const outputFlags = {
  format: { type: "string", default: "terminal" },
  "json-out": { type: "string" },
  "junit-out": { type: "string" },
  "markdown-out": { type: "string" },
  "coverage-html": { type: "string" },
  template: { type: "string", default: "classic" },
  github: { type: "boolean" },
} as const;

export interface OutputValues {
  format?: string;
  "json-out"?: string;
  "junit-out"?: string;
  "markdown-out"?: string;
  "coverage-html"?: string;
  template?: string;
  github?: boolean;
}

/** Check output flags before any work, so a typo fails fast and leaves nothing behind. */
export function checkOutputFlags(values: OutputValues): void {
  const format = values.format ?? "terminal";
  if (!isReportFormat(format)) {
    throw relayProofError(
      "USAGE",
      `unknown --format "${format}"`,
      `use one of: ${Object.keys(reporters).join(", ")}`,
    );
  }
  if (values.template !== undefined && values.template !== "classic" && values.template !== "full") {
    throw relayProofError("USAGE", `unknown --template "${values.template}"`, "use classic or full");
  }
}

/**
 * Render a result: files first (--json-out, --junit-out, --markdown-out), the GitHub job summary and
 * annotations when on Actions, then the chosen format on stdout, whose last lines are the proof lines.
 */
export function emitReport(
  report: Report,
  values: OutputValues,
  io: CommandIo,
  verify?: readonly string[],
): CommandOutcome {
  checkOutputFlags(values);
  const format = (values.format ?? "terminal") as keyof typeof reporters;
  const context = {
    color: io.color,
    template: values.template === "full" ? ("full" as const) : ("classic" as const),
    verify,
  };
  if (values["json-out"]) writeFileSync(resolve(values["json-out"]), reporters.json(report));
  if (values["junit-out"]) writeFileSync(resolve(values["junit-out"]), reporters.junit(report));
  if (values["markdown-out"])
    writeFileSync(resolve(values["markdown-out"]), reporters.markdown(report, context));
  if (values["coverage-html"]) writeFileSync(resolve(values["coverage-html"]), renderCoverageHtml(report));
  const github = values.github ?? process.env.GITHUB_ACTIONS === "true";
  let prefix = "";
  if (github) {
    appendJobSummary(report);
    const annotations = renderAnnotations(report);
    if (annotations.length > 0 && format === "terminal") prefix = `${annotations.join("\n")}\n`;
  }
  return { stdout: `${prefix}${reporters[format](report, context)}`, exitCode: report.exitCode };
}

export const outputHelp = `Output
  --format NAME        terminal (default), json, markdown (the PR's "Real behavior proof") or junit
  --template NAME      with markdown: classic (default) or full (adds "What Problem This Solves" and "Evidence")
  --json-out FILE      also write the JSON result to FILE
  --junit-out FILE     also write JUnit XML to FILE
  --markdown-out FILE  also write the Markdown proof to FILE
  --coverage-html FILE also write the coverage of the change (--coverage) as one self-contained HTML
                       page: the changed lines marked ran in the scenario / only in tests / never
  --github             write the GitHub job summary ($GITHUB_STEP_SUMMARY) and ::error annotations
                       (default when GITHUB_ACTIONS=true; --no-github turns it off)`;
