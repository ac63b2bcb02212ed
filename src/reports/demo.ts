// The demo's output: the compare and bisect reports as `relay-proof compare`/`bisect` print them,
// where to go next on a real checkout, and the demo's own `[proof]` lines last.

import type { DemoResult } from "../engine/demo.ts";
import { sanitizeValue } from "../result/sanitize.ts";
import { renderTerminal, type TerminalOptions } from "./terminal.ts";

export function renderDemo(result: DemoResult, options: TerminalOptions = {}): string {
  const { history } = result;
  const lines = [
    "relay-proof demo: the native hook relay proof on relay-proof's own fixture relay (no OpenClaw checkout)",
    `  history  ${history.commits} commits in a temp dir, removed afterwards: the V1 bug ${history.base.sha.slice(0, 12)}`,
    `           -> a commit that cannot load -> shared state without generations -> the V2 fix ${history.fix.sha.slice(0, 12)}`,
    "",
    "1. compare: does the bug reproduce on the base, and does the fix hold on the head?",
    "",
    renderTerminal(result.compare, options),
  ];
  if (result.bisect) {
    lines.push("2. bisect: which commit fixed it?", "", renderTerminal(result.bisect, options));
  }
  lines.push("Where to go next, on your own checkout (PATH: an OpenClaw-family repo):");
  for (const step of result.nextSteps) lines.push(`  # ${step.why}`, `  ${step.command}`);
  lines.push(
    "",
    `  demo ${result.verdict.toUpperCase()} (exit ${result.exitCode}, ${(result.durationMs / 1000).toFixed(1)} s)`,
    ...result.reasons.map((reason) => `    ${sanitizeValue(reason)}`),
    "",
    ...result.proofLines,
  );
  return `${lines.join("\n")}\n`;
}
