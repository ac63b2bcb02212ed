import type { ProofResult } from "../result/types.ts";

/** The result document, schema `relay-proof/result@1` (documented in README.md). */
export function renderJson(result: ProofResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
