import { describe, expect, it } from "vitest";
import { proofLines, runCli } from "../helpers/cli.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

describe("several proofs and picking them (end to end)", () => {
  it("run --proof all exits 1 when one proof fails, with a verdict line per proof and the verdict last", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const result = await runCli(["run", "--proof", "all", "--no-tests", "--quiet"], { cwd: repo.root });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe("");
    const lines = proofLines(result.stdout);
    expect(lines.get("native-hook-relay")).toBe("holds");
    expect(lines.get("overlapping-runs")).toBe("fails");
    expect(lines.get("overlapping-runs.both-runs-answer")).toMatch(
      /^run-1=error:native hook relay bridge stale/,
    );
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("[proof] verdict=fails");
  });

  it("run --proof repeats, and --proof A --proof A runs A once", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const args = ["run", "--proof", "grace-window", "--proof", "relay-expiry", "--proof", "grace-window"];
    const result = await runCli([...args, "--no-tests", "--quiet"], { cwd: repo.root });
    expect(result.exitCode).toBe(0);
    const summary = result.stdout.trimEnd().split("\n").slice(-4);
    expect(summary).toEqual([
      `[proof] head=${repo.head}`,
      "[proof] grace-window=holds",
      "[proof] relay-expiry=holds",
      "[proof] verdict=holds",
    ]);
  });

  it("bisect refuses --proof all and a repeated --proof with one line naming the fix, exit 2", async () => {
    const repo = fixtureRepo();
    const all = await runCli(["bisect", "--good", "HEAD", "--bad", "HEAD", "--proof", "all"], {
      cwd: repo.root,
    });
    expect(all).toEqual({
      exitCode: 2,
      stdout: "",
      stderr:
        "relay-proof: bisect follows one proof, not all of them (pick one with --proof ID (relay-proof proofs lists them))\n",
    });
    const two = await runCli(["bisect", "--good", "HEAD", "--bad", "HEAD", "--proof", "a", "--proof", "b"], {
      cwd: repo.root,
    });
    expect(two.exitCode).toBe(2);
    expect(two.stderr).toBe(
      "relay-proof: bisect follows one proof, got --proof a, --proof b (bisect each proof on its own: relay-proof bisect --proof ID ...)\n",
    );
  });

  it("proofs --changed BASE --ids prints the proofs a change needs, one id a line; an unknown BASE exits 2", async () => {
    const repo = fixtureRepo();
    const base = repo.head;
    repo.write("src/cli/native-hook-relay-cli.ts", "// a changed CLI\n");
    repo.commit("touch the hook command's CLI");
    const picked = await runCli(["proofs", "--changed", base, "--ids"], { cwd: repo.root });
    expect(picked).toEqual({ exitCode: 0, stdout: "native-hook-relay\n", stderr: "" });
    const listed = await runCli(["proofs", "--changed", base], { cwd: repo.root });
    expect(listed.stdout).toMatch(
      /^native-hook-relay {2}.*\n {2}changed: src\/cli\/native-hook-relay-cli\.ts\n$/,
    );
    const unknown = await runCli(["proofs", "--changed", "nope"], { cwd: repo.root });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(unknown.stderr).toMatch(/^relay-proof: unknown ref "nope"/);
  });
});
