import { lineRanges } from "../coverage/change-coverage.ts";
import type { ClaimStatus } from "../result/claims.ts";
import { headValue } from "../result/proof-lines.ts";
import type { BisectResult, CompareResult, ProofResult, Report } from "../result/types.ts";
import {
  annotated,
  coverageLead,
  coverageOf,
  fileSummary,
  markGlyph,
  markMeaning,
  reachRows,
} from "./coverage-view.ts";
import { code, fenced, prose, shellLine, text } from "./markdown-text.ts";

export type MarkdownTemplate = "classic" | "full";

export interface MarkdownOptions {
  /** `full` adds the newer "What Problem This Solves" and "Evidence" sections. */
  template?: MarkdownTemplate;
  /** The commands that check this proof's receipt (`relay-proof verify`, `gh attestation verify`): the last line. */
  verify?: readonly string[];
}

function field(name: string, value: string): string {
  return `- **${name}:** ${value}`;
}

function environment(result: ProofResult): string {
  const { target, toolchain, environment: env } = result;
  const tree = target.dirty
    ? `a **dirty** work tree (${target.dirtyPaths.length} changed paths, not a clean SHA)`
    : target.worktree
      ? "a clean temporary worktree"
      : "a clean work tree";
  return [
    `${text(env.os)} (${text(env.arch)})`,
    `Node ${code(toolchain.node ?? "unknown")}`,
    env.packageManager ? `${code(env.packageManager)}` : "package manager not declared",
    `head ${code(headValue(target))} in ${tree}`,
    ...hookCli(result),
  ].join(", ");
}

/** Which CLI the hook commands ran, when --build made it: the shipped bundle or not, said plainly. */
function hookCli(result: ProofResult): string[] {
  const cli = result.cli;
  // Only a CLI the commands ran: a skipped one is under "What was not tested" with its reason.
  if (!cli?.mode || !cli.entry || (cli.state !== "ready" && cli.state !== "source")) return [];
  const how: Record<NonNullable<typeof cli.mode>, string> = {
    full: "the repo's full build",
    dev: "the repo's dev build (no type declarations)",
    source: "**source through tsx, not the shipped bundle**",
  };
  return [`hook commands through ${code(cli.entry)}: ${how[cli.mode]}`];
}

/** What a --build mode other than the full build left untested. */
function modeNotTested(result: ProofResult): string[] {
  const cli = result.cli;
  if (cli?.state !== "ready" && cli?.state !== "source") return [];
  if (cli.mode === "source" && cli.entry)
    return [
      `the shipped bundle: the hook commands ran ${cli.entry} from source through tsx (--build-mode source), not a build`,
    ];
  if (cli?.mode === "dev")
    return [
      "the repo's full build: the hook commands ran its dev build (--build-mode dev: no type declarations)",
    ];
  return [];
}

function steps(result: ProofResult): string {
  // A run with --ref names its commit itself; in place, the checkout comes first.
  const pinned = result.command.includes("--ref") || result.target.ref !== undefined;
  const checkout = pinned ? [] : [code(`git checkout --detach ${result.target.head}`)];
  const command = result.command.length > 0 ? result.command : ["relay-proof", "run"];
  return [...checkout, code(shellLine(command))].join(", then ");
}

const proofVerdict: Record<ProofResult["verdict"], string> = {
  holds: "✅ holds",
  fails: "❌ fails",
  "cannot-test": "⚠️ cannot test",
};

/** Several proofs: a row each, with its verdict and, when it does not hold, why. */
function proofsSection(result: ProofResult, before: ProofResult | undefined): string[] {
  if (!result.proofs) return [];
  const baseOf = (id: string) => before?.proofs?.find((outcome) => outcome.proof.id === id);
  const header = before
    ? "| proof | bug it reproduces | head | base | why |"
    : "| proof | bug it reproduces | verdict | why |";
  const rows = result.proofs.map((outcome) => {
    const why = outcome.verdict === "holds" ? "-" : outcome.reasons.slice(0, 2).map(text).join("; ");
    const base = baseOf(outcome.proof.id);
    const baseCell = before ? ` ${base ? proofVerdict[base.verdict] : "-"} |` : "";
    return `| ${code(outcome.proof.id)} | ${text(outcome.proof.title)} | ${proofVerdict[outcome.verdict]} |${baseCell} ${why} |`;
  });
  const rule = before ? "| --- | --- | --- | --- | --- |" : "| --- | --- | --- | --- |";
  return ["", "### Proofs", "", header, rule, ...rows, ""];
}

function observedSet(result: ProofResult): string {
  const outcomes = result.proofs ?? [];
  const held = outcomes
    .filter((outcome) => outcome.verdict === "holds")
    .map((outcome) => code(outcome.proof.id));
  const other = outcomes.filter((outcome) => outcome.verdict !== "holds");
  const lead =
    result.verdict === "holds"
      ? `Every proof **holds** (exit 0): ${held.join(", ")}.`
      : `${result.verdict === "fails" ? "The proofs **fail** (exit 1)" : "The proofs **cannot test** (exit 125)"}: ` +
        `${other.map((outcome) => `${code(outcome.proof.id)} ${outcome.verdict}`).join(", ")}${held.length > 0 ? `; ${held.join(", ")} hold` : ""}.`;
  const parts = [
    lead,
    "Each proof's lines are in the capture, prefixed with its id; the Proofs table says why.",
  ];
  if (result.tests) {
    const t = result.tests;
    parts.push(
      `Supplemental (not the evidence): ${t.passed}/${t.total} focused Vitest tests passed across ${t.shards.length} shard(s)${t.status === "pass" ? "" : ` (${t.status})`}.`,
    );
  }
  return parts.join(" ");
}

function observed(result: ProofResult): string {
  if (result.proofs) return observedSet(result);
  const required = result.scenario.checks.filter((check) => check.required);
  const paths = result.scenario.checks.filter((check) => !check.required);
  const passedPaths = paths.filter((check) => check.status === "pass").length;
  const lead =
    result.verdict === "holds"
      ? `The proof **holds** (exit 0): every required check ran and passed`
      : result.verdict === "fails"
        ? `The proof **fails** (exit 1)`
        : `The proof **cannot test** (exit 125)`;
  const checks = required.map((check) => code(`${check.key}=${check.value}`)).join(", ");
  const parts = [`${lead}${checks ? `: ${checks}` : ""}.`];
  if (paths.length > 0) parts.push(`${passedPaths} of ${paths.length} checks on the other paths passed.`);
  if (result.verdict !== "holds") parts.push(`Why: ${result.reasons.map(text).join("; ")}.`);
  if (result.tests) {
    const t = result.tests;
    parts.push(
      `Supplemental (not the evidence): ${t.passed}/${t.total} focused Vitest tests passed across ${t.shards.length} shard(s)${t.status === "pass" ? "" : ` (${t.status})`}.`,
    );
  }
  return parts.join(" ");
}

function notTested(result: ProofResult): string {
  // Checks skipped for one reason are named together: "a, b, c: reason".
  const byReason = new Map<string, string[]>();
  for (const item of result.notTested) {
    const at = item.indexOf(": ");
    const [key, reason] = at === -1 ? [item, ""] : [item.slice(0, at), item.slice(at + 2)];
    byReason.set(reason, [...(byReason.get(reason) ?? []), key]);
  }
  const items = [...byReason].map(([reason, keys]) =>
    reason ? `${keys.join(", ")}: ${reason}` : keys.join(", "),
  );
  items.push(
    ...result.scenario.checks.filter((c) => c.status === "unsupported").map((c) => `${c.key}: ${c.value}`),
  );
  items.push(...modeNotTested(result));
  if (!result.tests) items.push("the focused Vitest tests (run with --no-tests)");
  items.push("a live Codex session: the relay and its hook command were exercised directly, not from Codex");
  return items.map(text).join("; ");
}

const claimMark: Record<ClaimStatus, string> = {
  holds: "✅ holds",
  fails: "❌ fails",
  "partly-tested": "◐ partly tested",
  "not-tested": "➖ not tested",
};

/** "Claims": each claim of the fix, the lines that evidence it, and what they say (base too, in a compare). */
function claimsSection(result: ProofResult, before: ProofResult | undefined): string[] {
  const claims = result.claims ?? [];
  if (claims.length === 0) return [];
  const baseOf = (id: string) => before?.claims?.find((claim) => claim.id === id);
  const header = before ? "| claim | evidence (head) | head | base |" : "| claim | evidence | status |";
  const rows = claims.map((claim) => {
    const evidence = claim.evidence.map((e) => code(`${e.key}=${e.value}`)).join("<br>");
    const base = baseOf(claim.id);
    const baseCell = before ? ` ${base ? claimMark[base.status] : "-"} |` : "";
    return `| ${text(claim.text)} | ${evidence} | ${claimMark[claim.status]} |${baseCell}`;
  });
  return [
    "",
    "### Claims",
    "",
    header,
    before ? "| --- | --- | --- | --- |" : "| --- | --- | --- |",
    ...rows,
    "",
  ];
}

function capture(result: ProofResult): string[] {
  return [
    `$ ${shellLine(result.command.length > 0 ? result.command : ["relay-proof", "run"])}`,
    ...result.proofLines,
  ];
}

function renderRunSections(
  result: ProofResult,
  before: ProofResult | undefined,
  options: MarkdownOptions,
  withCoverage = true,
): string {
  const sections: string[] = [];
  if (options.template === "full") {
    sections.push("## What Problem This Solves", "", prose(result.proof.behavior), "");
    sections.push("## Evidence", "", fenced(capture(result), "console", ""), "", observed(result), "");
  }
  sections.push(
    "## Real behavior proof",
    "",
    field("Behavior or issue addressed", prose(result.proof.behavior)),
    field("Real environment tested", environment(result)),
    field("Exact steps or command run after this patch", steps(result)),
    field(
      "Evidence after fix",
      `live scenario output, \`[proof]\` lines last\n\n${fenced(capture(result))}\n`,
    ),
    field("Observed result after fix", observed(result)),
    field("What was not tested", notTested(result)),
  );
  sections.push(...proofsSection(result, before), ...claimsSection(result, before));
  if (before) {
    sections.push(
      field(
        "Before evidence",
        `the same proof on the base ${code(headValue(before.target))}: ${code(`verdict=${before.verdict}`)}\n\n${fenced(capture(before))}\n`,
      ),
    );
  }
  return `${sections.join("\n")}\n${withCoverage ? coverageSection(result) : ""}`;
}

function renderCompare(result: CompareResult, options: MarkdownOptions): string {
  const verdictLine = `**${result.verdict}** (exit ${result.exitCode}): ${result.reasons.map(text).join("; ")}; reproduce with ${code(shellLine(result.command))}.`;
  const coverage = coverageSection(result);
  return `${renderRunSections(result.head, result.base, options, false).trimEnd()}\n${field("Compare verdict", verdictLine)}\n${coverage}`;
}

/** "Coverage of the change": per-file counts, then each file's changed hunks with a mark per line. */
function coverageSection(report: Report): string {
  const coverage = coverageOf(report);
  if (!coverage) return "";
  const lines = ["", "### Coverage of the change", "", text(coverageLead(coverage)), ""];
  for (const note of coverage.notes) lines.push(`- ${text(note)}`);
  if (coverage.notes.length > 0) lines.push("");
  lines.push("| file | lines | ran | ran in neither |", "| --- | --- | --- | --- |");
  for (const file of coverage.files) {
    lines.push(
      `| ${code(file.file)} | ${file.lines.length} | ${text(fileSummary(file))} | ${text(lineRanges(file.neither)) || "-"} |`,
    );
  }
  const total = reachRows(coverage).at(-1);
  if (total)
    lines.push(
      `| **total** | ${total.total} | **scenario ${total.ran}/${total.total} (${total.share})** | |`,
    );
  const unreached = reachRows(coverage).filter((row) => row.unreached);
  if (unreached.length > 0) {
    lines.push("", "Not reached by the proof's scenario:", "");
    for (const row of unreached)
      lines.push(`- ${code(row.file ?? "")} (${row.ran}/${row.total}): ${text(row.unreached ?? "")}`);
  }
  const legend = Object.entries(markMeaning)
    .map(([mark, meaning]) => `${code(markGlyph[mark as keyof typeof markGlyph])} ${meaning}`)
    .join(", ");
  lines.push("", `Marks: ${legend}.`);
  for (const file of coverage.files) {
    const rows = annotated(file).map((row) =>
      row ? `${markGlyph[row.mark]} ${String(row.line).padStart(5)} | ${row.text}` : "  ⋯",
    );
    lines.push("", `${code(file.file)}`, "", fenced(rows, "text", ""));
  }
  return `${lines.join("\n")}\n`;
}

function renderBisect(result: BisectResult): string {
  const lines = [
    `## relay-proof bisect: which commit ${result.direction} ${text(result.proof.id)}`,
    "",
    `- **Good:** ${code(result.good.sha)} (${text(result.good.ref)}); **bad:** ${code(result.bad.sha)} (${text(result.bad.ref)})`,
    `- **Result:** ${result.first ? `${code(result.first.sha)} ${text(result.first.subject)}` : `no single commit: ${result.reasons.map(text).join("; ")}`}`,
    `- **Steps:** ${result.steps.length} (${result.scenarioRuns ?? result.steps.length} scenario runs${result.shortcut?.used ? `; ${text(result.shortcut.reason)}, by every file the scenario loaded being identical to a tested commit` : ""})`,
    ...(result.reproduce.length > 0 ? [`- **Reproduce:** ${result.reproduce.map(code).join(", ")}`] : []),
    "",
    fenced(result.proofLines, "console", ""),
  ];
  return `${lines.join("\n")}\n`;
}

/** The PR's "Real behavior proof" section (and, with `full`, the newer sections), from any result. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const body =
    report.kind === "run"
      ? renderRunSections(report, undefined, options)
      : report.kind === "compare"
        ? renderCompare(report, options)
        : renderBisect(report);
  if (!options.verify || options.verify.length === 0) return body;
  return `${body.trimEnd()}\n\n${field("Check this proof", options.verify.map(code).join(" or "))}\n`;
}
