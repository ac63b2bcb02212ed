import type { Report } from "../result/types.ts";
import { renderJson } from "./json.ts";
import { renderTerminal } from "./terminal.ts";

export interface ReportContext {
  color: boolean;
}

/** One reporter per format, keyed by the `--format` name. */
export const reporters = {
  terminal: (result: Report, context: ReportContext) => renderTerminal(result, { color: context.color }),
  json: (result: Report) => renderJson(result),
} satisfies Record<string, (result: Report, context: ReportContext) => string>;

export type ReportFormat = keyof typeof reporters;

export function isReportFormat(value: string): value is ReportFormat {
  return Object.hasOwn(reporters, value);
}
