// `--coverage-html FILE`: the coverage of the change as one self-contained page (no network, no script).
import type { Report } from "../result/types.ts";
import { annotated, coverageLead, coverageOf, fileSummary, markGlyph, markMeaning } from "./coverage-view.ts";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const style = `body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1f2328}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}code,pre{font:12px/1.4 ui-monospace,monospace}
table.sum{border-collapse:collapse}table.sum td,table.sum th{border:1px solid #d0d7de;padding:.3em .6em;text-align:left}
table.src{border-collapse:collapse;width:100%}table.src td{padding:0 .5em;white-space:pre;font:12px/1.5 ui-monospace,monospace}
td.n{color:#57606a;text-align:right;user-select:none}td.m{font-weight:bold;text-align:center}
tr.scenario{background:#dafbe1}tr.tests{background:#fff8c5}tr.never{background:#ffebe9}tr.unmapped{background:#eaeef2}
tr.gap td{color:#57606a}.legend span{padding:0 .5em;margin-right:.5em}`;

export function renderCoverageHtml(report: Report): string {
  const coverage = coverageOf(report);
  const head =
    report.kind === "compare" ? report.head.target.head : report.kind === "run" ? report.target.head : "";
  const body: string[] = [`<h1>Coverage of the change</h1>`];
  if (!coverage) {
    body.push("<p>This result has no coverage: run relay-proof with <code>--coverage</code>.</p>");
  } else {
    body.push(`<p>${escapeHtml(coverageLead(coverage))}</p>`, `<p>head <code>${escapeHtml(head)}</code></p>`);
    for (const note of coverage.notes) body.push(`<p>${escapeHtml(note)}</p>`);
    body.push(
      `<p class="legend">${Object.entries(markMeaning)
        .map(
          ([mark, meaning]) =>
            `<span class="${mark}">${escapeHtml(markGlyph[mark as keyof typeof markGlyph])} ${escapeHtml(meaning)}</span>`,
        )
        .join("")}</p>`,
      `<table class="sum"><tr><th>file</th><th>lines</th><th>counts</th><th>ran in neither</th></tr>`,
      ...coverage.files.map(
        (file) =>
          `<tr><td><code>${escapeHtml(file.file)}</code></td><td>${file.lines.length}</td><td>${escapeHtml(fileSummary(file))}</td><td>${escapeHtml(file.neither.join(", ") || "-")}</td></tr>`,
      ),
      "</table>",
    );
    for (const file of coverage.files) {
      body.push(`<h2><code>${escapeHtml(file.file)}</code></h2>`, `<table class="src">`);
      for (const row of annotated(file)) {
        body.push(
          row
            ? `<tr class="${row.mark}"><td class="m">${escapeHtml(markGlyph[row.mark])}</td><td class="n">${row.line}</td><td>${escapeHtml(row.text)}</td></tr>`
            : `<tr class="gap"><td></td><td class="n">⋯</td><td></td></tr>`,
        );
      }
      body.push("</table>");
    }
  }
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>relay-proof: coverage of the change</title><style>${style}</style></head><body>\n${body.join("\n")}\n</body></html>\n`;
}
