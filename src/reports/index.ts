import type { Report } from "../result/types.ts";
import { renderJson } from "./json.ts";
import { renderJunit } from "./junit.ts";
import { type MarkdownTemplate, renderMarkdown } from "./markdown.ts";
import { renderTerminal } from "./terminal.ts";

export interface ReportContext {
  color: boolean;
  template?: MarkdownTemplate;
  /** Markdown ends with the commands that check the receipt, when one is written. */
  verify?: readonly string[];
}

/** One reporter per format, keyed by the `--format` name. */
export const reporters = {
  terminal: (report: Report, context: ReportContext) => renderTerminal(report, { color: context.color }),
  json: (report: Report) => renderJson(report),
  markdown: (report: Report, context: ReportContext) =>
    renderMarkdown(report, { template: context.template, verify: context.verify }),
  junit: (report: Report) => renderJunit(report),
} satisfies Record<string, (report: Report, context: ReportContext) => string>;

export type ReportFormat = keyof typeof reporters;

export function isReportFormat(value: string): value is ReportFormat {
  return Object.hasOwn(reporters, value);
}
