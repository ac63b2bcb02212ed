import type { Report } from "../result/types.ts";

/** The result document, schema `relay-proof/result@1` (documented in README.md). */
export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
