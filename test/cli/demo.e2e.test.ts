import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createDemoHistory } from "../../fixtures/build-fixture-history.ts";
import { type CliRun, interrupt, proofLines, runCli } from "../helpers/cli.ts";
import { leftoversIn, tempDir } from "../helpers/fixture-repo.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The fixing commit the demo must find: the history builder is deterministic. */
function expectedFix(): string {
  const history = createDemoHistory({ vitest: false });
  try {
    return history.commits["relay: generations (the fix)"] as string;
  } finally {
    history.repo.remove();
  }
}

/** What every successful demo prints, wherever it runs from. */
function expectDemoOutput(run: CliRun): string {
  expect(run.exitCode).toBe(0);
  const lines = proofLines(run.stdout);
  expect(lines.get("compare")).toBe("fix-verified");
  expect(run.stdout).toContain("[proof] verdict=fix-verified\n");
  expect(run.stdout).toContain("Where to go next, on your own checkout");
  expect(run.stdout).toContain("  relay-proof compare --repo PATH --base origin/main --head HEAD\n");
  const fix = lines.get("first-fixed-commit") ?? "";
  expect(run.stdout).toContain(`first fixed commit: ${fix} relay: generations (the fix)`);
  expect(run.stdout.trimEnd().split("\n").slice(-3)).toEqual([
    "[proof] compare=fix-verified",
    `[proof] first-fixed-commit=${fix}`,
    "[proof] verdict=holds",
  ]);
  return fix;
}

describe("relay-proof demo (end to end)", () => {
  it("verifies the fix, finds the fixing commit, prints where to go next and leaves TMPDIR empty", async () => {
    const tmp = tempDir();
    const run = await runCli(["demo"], { env: { TMPDIR: tmp } });
    expect(expectDemoOutput(run)).toBe(expectedFix());
    const progress = run.stderr.trimEnd().split("\n");
    expect(progress.every((line) => line.startsWith("relay-proof: "))).toBe(true);
    expect(progress[0]).toMatch(/^relay-proof: building the fixture history \(V1 bug -> V2 fix\) in /);
    expect(run.stderr).toContain("relay-proof: git bisect run: looking for the commit that fixed it\n");
    expect(progress.at(-1)).toMatch(/^relay-proof: removed .*relay-proof-demo-/);
    expect(leftoversIn(tmp)).toEqual([]);
  });

  it("runs from the packed package with only its runtime dependencies (no Vitest, no checkout)", async () => {
    const work = tempDir();
    const tarball = execFileSync(
      "npm",
      ["pack", "--ignore-scripts", "--silent", "--pack-destination", work],
      {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      },
    )
      .trim()
      .split("\n")
      .at(-1) as string;
    // An npm install, by hand: the package unpacked into node_modules, its dependencies hoisted beside it.
    const modules = join(work, "app", "node_modules");
    const installed = join(modules, "relay-proof");
    mkdirSync(installed, { recursive: true });
    execFileSync("tar", ["-xzf", join(work, tarball), "-C", installed, "--strip-components=1"]);
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    for (const name of Object.keys(pkg.dependencies)) {
      mkdirSync(dirname(join(modules, name)), { recursive: true }); // scoped names: @scope/name
      symlinkSync(join(root, "node_modules", name), join(modules, name), "dir");
    }
    const tmp = tempDir();
    const run = await new Promise<CliRun>((resolve) => {
      execFile(
        process.execPath,
        [join(installed, "bin", "relay-proof.js"), "demo", "--quiet"],
        { cwd: join(work, "app"), env: { ...process.env, TMPDIR: tmp, NO_COLOR: "1" } },
        (error, stdout, stderr) =>
          resolve({
            exitCode: error ? (typeof error.code === "number" ? error.code : null) : 0,
            stdout,
            stderr,
          }),
      );
    });
    expectDemoOutput(run);
    expect(run.stderr).toBe("");
    expect(leftoversIn(tmp)).toEqual([]);
  });

  it("cleans up and exits 130 on Ctrl-C in the middle of the demo's bisect", async () => {
    const tmp = tempDir();
    const result = await interrupt(["demo"], "git bisect run", tmp);
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain("interrupted by SIGINT; cleaned up");
    expect(leftoversIn(tmp)).toEqual([]);
  });

  it("shows its help, and refuses an argument with one line naming the fix", async () => {
    const help = await runCli(["demo", "--help"]);
    expect(help).toMatchObject({ exitCode: 0, stderr: "" });
    expect(help.stdout).toMatch(/^relay-proof demo: try relay-proof with no OpenClaw checkout\n/);
    const main = await runCli(["--help"]);
    expect(main.stdout).toContain("  demo      try it with no checkout");
    const wrong = await runCli(["demo", "../openclaw"]);
    expect(wrong).toEqual({
      exitCode: 2,
      stdout: "",
      stderr: 'relay-proof: unexpected argument "../openclaw" (see relay-proof demo --help)\n',
    });
  });
});
