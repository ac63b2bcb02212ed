// What a failed build step said, in one line: its error lines, without colours, stack frames, the
// code frames bundlers draw, or Node's version banner.
import { withoutAnsi } from "../../../result/sanitize.ts";

/** Noise: a stack frame, Node's banner, a code frame (box drawing, or `45 │ source`). */
const noise = (line: string) =>
  /^at\s/.test(line) || /^Node\.js v\d/.test(line) || /^[\u2500-\u257f]/.test(line) || /^\d+\s*│/.test(line);
/** A line that names an error: rolldown's `[UNRESOLVED_IMPORT] Error: ...`, tsc's `error TS2307`, pnpm's `[ERROR]`. */
const errorLike = /\berror\b|\bERR_[A-Z_]+|\bcould not resolve\b|\bcannot find\b/i;

/** The first two error lines of a failed step's output, else its last two lines that say something. */
export function errorLines(output: string): string {
  const lines = withoutAnsi(output)
    .split("\n")
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line !== "" && !noise(line));
  const errors = [...new Set(lines.filter((line) => errorLike.test(line)))];
  return (errors.length > 0 ? errors.slice(0, 2) : lines.slice(-2)).join(" | ");
}
