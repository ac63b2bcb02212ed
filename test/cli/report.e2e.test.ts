import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { fixtureRepo, tempDir } from "../helpers/fixture-repo.ts";

describe("relay-proof report and the output files (end to end)", () => {
  it("renders a saved result as the PR's Markdown proof, and writes JUnit and the job summary", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const dir = tempDir();
    const summary = join(dir, "summary.md");
    writeFileSync(summary, "");
    const run = await runCli(
      [
        "run",
        "--repo",
        repo.root,
        "--no-tests",
        "--quiet",
        "--json-out",
        join(dir, "p.json"),
        "--junit-out",
        join(dir, "p.xml"),
        "--github",
      ],
      { env: { GITHUB_STEP_SUMMARY: summary } },
    );
    expect(run.exitCode).toBe(1);
    expect(run.stdout.split("\n")[0]).toBe(
      "::error title=relay-proof duplicate-module-invoke::error:native hook relay not found (expected 0)",
    );
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("[proof] verdict=fails");
    expect(readFileSync(summary, "utf8")).toContain("### relay-proof native-hook-relay: FAILS");
    expect(readFileSync(join(dir, "p.xml"), "utf8")).toContain(
      '<testsuite name="native-hook-relay scenario" tests="26" failures="20" errors="0" skipped="4"',
    );

    const report = await runCli(["report", join(dir, "p.json"), "--template", "full"]);
    expect(report.exitCode).toBe(1);
    expect(report.stderr).toBe("");
    expect(report.stdout.startsWith("## What Problem This Solves\n")).toBe(true);
    expect(report.stdout).toContain(`head \`${repo.head}\` in a clean work tree`);
  });

  it("rejects an unknown template and a report without a file", async () => {
    const bad = await runCli(["report", "x.json", "--template", "fancy"]);
    expect(bad).toMatchObject({ exitCode: 2, stdout: "" });
    expect(bad.stderr).toBe('relay-proof: unknown --template "fancy" (use classic or full)\n');
    const none = await runCli(["report"]);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/^relay-proof: report takes exactly one result file/);
  });

  it("answers any bytes given to report or merge with exit 2 and one printable line, never raw bytes or a stack", async () => {
    const dir = tempDir();
    const binary = join(dir, "binary.json");
    writeFileSync(
      binary,
      Buffer.from([0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x00, 0xff, 0xfe, 0x0a, 0x0d, 0x07, 0xc3, 0x28]),
    );
    const samples = [
      binary,
      ...fc
        .sample(fc.uint8Array({ minLength: 1, maxLength: 64 }), { numRuns: 4, seed: 18 })
        .map((bytes, i) => {
          const file = join(dir, `sample-${i}\u001b[1m.json`);
          writeFileSync(file, bytes);
          return file;
        }),
    ];
    for (const file of samples) {
      for (const args of [
        ["report", file],
        ["merge", file],
      ]) {
        const run = await runCli(args);
        expect(run).toMatchObject({ exitCode: 2, stdout: "" });
        const lines = run.stderr.split("\n");
        expect(lines, run.stderr).toHaveLength(2);
        expect(lines[0]).toMatch(/^relay-proof: .* \(pass the file --json-out wrote\)$/);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
        expect(lines[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f\ufffd]/);
        expect(run.stderr).not.toContain("internal error");
      }
    }
  });
});
