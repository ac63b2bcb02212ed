import type { VerifyResult } from "../engine/verify.ts";
import { printable } from "../result/sanitize.ts";

const mark = (ok: boolean | undefined) => (ok === true ? "ok" : ok === false ? "FAILED" : "not-checked");

/** One `[verify] <check>=ok|FAILED|not-checked <what>` line per check, the verdict last. */
export function renderVerify(result: VerifyResult): string {
  const lines = result.lines.map(
    (line) => `[verify] ${line.check}=${mark(line.ok)} ${printable(line.text, 1000)}`,
  );
  lines.push(`[verify] verdict=${result.verified ? "verified" : "not-verified"}`);
  return `${lines.join("\n")}\n`;
}
