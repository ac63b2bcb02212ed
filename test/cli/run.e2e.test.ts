import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { relayModulePath } from "../../fixtures/build-fixture-repo.ts";
import { hangingRelay, interrupt, proofLines, runCli } from "../helpers/cli.ts";
import { fixtureRepo, leftoversIn, tempDir } from "../helpers/fixture-repo.ts";

/** Run the CLI with a private TMPDIR, so the test can see anything it leaves behind. */
async function run(args: string[], cwd?: string) {
  const tmp = tempDir();
  const result = await runCli(args, { cwd, env: { TMPDIR: tmp } });
  return { ...result, leftovers: leftoversIn(tmp) };
}

describe("relay-proof run (end to end)", () => {
  it("exits 0 on the fixed relay, proof lines last, progress on stderr, nothing left behind", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const result = await run(["run", "--shards", "2"], repo.root);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.at(-1)).toBe("[proof] verdict=holds");
    expect(lines.slice(-9, -1)).toEqual([
      `[proof] head=${repo.head}`,
      "[proof] api=v2",
      "[proof] replacement=evicts",
      "[proof] duplicate-module-invoke=0",
      "[proof] stale-generation-error=native hook relay bridge stale registration",
      "[proof] replacement-generation-invoke=0",
      "[proof] shared-state=7/7",
      "[proof] tests=10/10 shards=2",
    ]);
    expect(proofLines(result.stdout).get("replacement-generation-invoke")).toBe("0");
    expect(result.stderr).toContain("relay-proof: duplicate-module-invoke = 0 (pass)");
    expect(result.leftovers).toEqual([]);
  });

  it("exits 1 when the bug is present", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const result = await run(["run", "--repo", repo.root, "--quiet"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe("");
    expect(proofLines(result.stdout).get("duplicate-module-invoke")).toBe(
      "error:native hook relay not found",
    );
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("[proof] verdict=fails");
  });

  it("exits 125 when the module does not exist at this commit", async () => {
    const repo = fixtureRepo();
    rmSync(join(repo.root, relayModulePath));
    repo.commit("before the relay existed");
    const result = await run(["run", "--repo", repo.root, "--quiet"]);
    expect(result.exitCode).toBe(125);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("[proof] verdict=cannot-test");
    expect(result.leftovers).toEqual([]);
  });

  it("prints one JSON document with --format json and writes the same with --json-out", async () => {
    const repo = fixtureRepo({ variant: "bridge-skips-generation" });
    const out = join(tempDir(), "proof.json");
    const result = await run(["run", "--repo", repo.root, "--format", "json", "--json-out", out, "--quiet"]);
    expect(result.exitCode).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({
      schema: "relay-proof/result@1",
      kind: "run",
      verdict: "fails",
      exitCode: 1,
      target: { head: repo.head, dirty: false },
    });
    expect(document.proofLines.at(-1)).toBe("[proof] verdict=fails");
    expect(JSON.parse(readFileSync(out, "utf8")).target.head).toBe(repo.head);
  });

  it("--coverage --changed BASE prints the fix-lines line and --coverage-html writes the page", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const base = repo.head;
    repo.useVariant("v2-correct");
    repo.commit("the fix");
    const html = join(tempDir(), "coverage.html");
    const result = await run(
      ["run", "--no-tests", "--coverage", "--changed", base, "--coverage-html", html, "--quiet"],
      repo.root,
    );
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
    expect(proofLines(result.stdout).get("fix-lines")).toMatch(
      /^scenario (\d+)\/\1 \(100%\) tests not-measured$/,
    );
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("[proof] verdict=holds");
    expect(readFileSync(html, "utf8")).toContain(`<code>${relayModulePath}</code>`);
    expect(result.leftovers).toEqual([]);
  });

  it("--coverage --build counts the built CLI's own lines through the build's source maps, and prints the share per file", async () => {
    const repo = fixtureRepo({ cli: "bundle" });
    const base = repo.head;
    const cli = "src/cli/native-hook-relay-cli-base.ts";
    const marker = 'const timeoutMs = Number(option(args, "--timeout") ?? "5000");';
    const source = readFileSync(join(repo.root, cli), "utf8");
    repo.write(cli, source.replace(marker, `${marker}\n    if (timeoutMs < 0) process.exitCode = 3;`));
    repo.commit("touch the hook command's CLI");
    const tmp = tempDir();
    const result = await runCli(
      ["run", "--no-tests", "--build", "--coverage", "--changed", base, "--quiet"],
      { cwd: repo.root, env: { TMPDIR: tmp, RELAY_PROOF_CACHE_DIR: tempDir("relay-proof-cache-") } },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
    const lines = proofLines(result.stdout);
    expect(lines.get(`fix-lines.${cli}`)).toMatch(/^scenario (\d+)\/\1 \(100%\) tests not-measured$/);
    expect(result.stdout).toMatch(
      /\n {2}coverage the proof ran (\d+)\/\1 \(100%\) changed non-test lines since [0-9a-f]{12}; tests not measured: the focused tests did not run\n {4}src\/cli\/native-hook-relay-cli-base\.ts +\d+\/\d+ 100%\n/,
    );
    expect(lines.get("cli")).toMatch(/, source maps beside 1 file for --coverage\)$/);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("[proof] verdict=holds");
    expect(leftoversIn(tmp)).toEqual([]);
  });

  it("marks a dirty tree on the head line instead of claiming the clean SHA", async () => {
    const repo = fixtureRepo();
    writeFileSync(join(repo.root, "notes.txt"), "local change\n");
    const result = await run(["run", "--repo", repo.root, "--quiet"]);
    expect(result.exitCode).toBe(0);
    expect(proofLines(result.stdout).get("head")).toBe(`${repo.head}-dirty`);
  });

  it("cleans up and exits 130 on Ctrl-C in the middle of a run", async () => {
    const repo = fixtureRepo({ moduleSource: hangingRelay });
    const tmp = tempDir();
    const { exitCode, stderr } = await interrupt(
      ["run", "--repo", repo.root],
      "running native-hook-relay",
      tmp,
    );
    expect(exitCode).toBe(130);
    expect(stderr).toContain("relay-proof: interrupted by SIGINT; cleaned up");
    expect(leftoversIn(tmp)).toEqual([]);
  });
});

describe("relay-proof merge (end to end)", () => {
  it("merges two machines' shard results into one proof with the summed tests line", async () => {
    const repo = fixtureRepo();
    const dir = tempDir();
    for (const index of [1, 2]) {
      const shard = await run([
        "run",
        "--repo",
        repo.root,
        "--shard-index",
        `${index}/2`,
        "--json-out",
        join(dir, `${index}.json`),
        "--quiet",
      ]);
      expect(shard.exitCode).toBe(0);
      expect(proofLines(shard.stdout).get("tests")).toMatch(/^\d+\/\d+ shards=2$/);
    }
    const merged = await run(["merge", join(dir, "1.json"), join(dir, "2.json")]);
    expect(merged.exitCode).toBe(0);
    expect(merged.stderr).toBe("");
    expect(merged.stdout.trimEnd().split("\n").slice(-2)).toEqual([
      "[proof] tests=10/10 shards=2",
      "[proof] verdict=holds",
    ]);
  });
});

describe("relay-proof usage errors", () => {
  it.each([
    [["run", "--bogus"], /^relay-proof: Unknown option '--bogus' \(see relay-proof run --help\)$/],
    [
      ["run", "--format", "xml"],
      /^relay-proof: unknown --format "xml" \(use one of: terminal, json, markdown, junit\)$/,
    ],
    [
      ["run", "--timeout", "soon"],
      /^relay-proof: --timeout must be a positive number of seconds, got "soon"/,
    ],
    [
      ["run", "--repo", "/nonexistent/openclaw"],
      /^relay-proof: repository path \/nonexistent\/openclaw does not exist \(pass --repo/,
    ],
    [
      ["frobnicate"],
      /^relay-proof: unknown command "frobnicate" \(commands: run, compare, bisect, report, merge, proofs/,
    ],
    [["run", "--shards", "0"], /^relay-proof: --shards must be a whole number >= 1, got "0"/],
    [["run", "--shard-index", "5/4"], /^relay-proof: --shard-index must look like 2\/4, got "5\/4"/],
    [
      ["run", "--no-tests", "--tests", "a.test.ts"],
      /^relay-proof: --no-tests and --tests contradict each other/,
    ],
    [
      ["run", "--build-mode", "fast"],
      /^relay-proof: --build-mode must be one of dev, full, source, got "fast" \(see relay-proof run --help\)$/,
    ],
    [
      ["compare", "--base", "HEAD", "--build-mode", "source", "--cli", "./x.mjs"],
      /^relay-proof: --cli and --build-mode contradict each other \(use --cli PATH for a CLI you built/,
    ],
    [["merge", "/nonexistent/shard.json"], /^relay-proof: cannot read \/nonexistent\/shard\.json: ENOENT/],
    [
      ["run", "--pass-env", "A=B"],
      /^relay-proof: --pass-env needs an environment variable name, got "A=B" \(give one name per flag/,
    ],
    [
      ["bisect", "--good", "HEAD", "--bad", "HEAD~1", "--pass-env", "no way"],
      /^relay-proof: --pass-env needs an environment variable name, got "no way"/,
    ],
    [
      ["run", "--proof", "nope"],
      /^relay-proof: unknown proof "nope" \(choose one of: dead-records, grace-window, invocation-history, native-hook-relay, overlapping-runs, relay-expiry, unregister-race \(or all\), or pass a proof file \(--proof \.\/my-proof\.ts\)\)$/,
    ],
  ])("%j exits 2 with one line naming the fix", async (args, message) => {
    const result = await run(args);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(message);
    expect(result.leftovers).toEqual([]);
  });

  it("rejects a directory that is not a git checkout, a wrong --module and a dirty tree with --require-clean", async () => {
    const notGit = await run(["run", "--repo", tempDir()]);
    expect(notGit.exitCode).toBe(2);
    expect(notGit.stderr).toMatch(/is not inside a git work tree \(relay-proof names the exact commit/);

    const repo = fixtureRepo();
    const wrongModule = await run(["run", "--repo", repo.root, "--module", "src/nope.ts"]);
    expect(wrongModule.exitCode).toBe(2);
    expect(wrongModule.stderr).toMatch(
      /^relay-proof: module src\/nope\.ts does not exist in .* \(check --module/,
    );
    expect(wrongModule.leftovers).toEqual([]);

    writeFileSync(join(repo.root, "wip.txt"), "x\n");
    const dirty = await run(["run", "--repo", repo.root, "--require-clean"]);
    expect(dirty.exitCode).toBe(2);
    expect(dirty.stderr).toMatch(/has uncommitted changes \(wip\.txt\) \(commit or stash them/);
  });

  it("prints help for every command with exit 0", async () => {
    for (const args of [
      ["--help"],
      ["run", "--help"],
      ["merge", "--help"],
      ["proofs", "--help"],
      ["help", "run"],
    ]) {
      const result = await run(args);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/^relay-proof/);
      expect(result.stderr).toBe("");
    }
    const none = await run([]);
    expect(none.exitCode).toBe(2);
    expect(none.stdout).toContain("Usage");
  });
});
