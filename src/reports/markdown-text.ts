// Small helpers that keep target-controlled text inert inside Markdown.
import { redact, sanitizeValue } from "../result/sanitize.ts";

/** Inline code that survives backticks in the value. */
export function code(text: string): string {
  const clean = redact(sanitizeValue(text));
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return longest > 0 ? `${fence} ${clean} ${fence}` : `${fence}${clean}${fence}`;
}

/** Plain text on one line, Markdown-significant characters escaped. */
export function text(value: string): string {
  return redact(sanitizeValue(value)).replace(/([\\`*_{}[\]<>|#])/g, "\\$1");
}

/** relay-proof's own prose (a proof's behaviour text): one line, Markdown kept as written. */
export function prose(value: string): string {
  return redact(sanitizeValue(value, 4000));
}

/** A fenced block whose fence is longer than any backtick run inside, indented for a list item. */
export function fenced(lines: readonly string[], language = "console", indent = "  "): string {
  const body = lines.map((line) => redact(line));
  const longest = Math.max(0, ...body.flatMap((line) => line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [`${fence}${language}`, ...body, fence].map((line) => `${indent}${line}`).join("\n");
}

/** A command line as a shell would take it back. */
export function shellLine(args: readonly string[]): string {
  return args
    .map((arg) => (/^[A-Za-z0-9_/:=.,@%+^-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`))
    .join(" ");
}
