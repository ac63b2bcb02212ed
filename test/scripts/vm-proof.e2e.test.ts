import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { git } from "../../src/checkout/git.ts";
import { fixHistory } from "../helpers/fixture-history.ts";
import { leftoversIn, tempDir } from "../helpers/fixture-repo.ts";

const script = fileURLToPath(new URL("../../scripts/vm-proof.mjs", import.meta.url));

function vmProof(
  args: string[],
  tmp: string,
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { env: { ...process.env, TMPDIR: tmp, GITHUB_ACTIONS: "false" } },
      (error, stdout, stderr) => {
        resolve({
          exitCode: error ? (typeof error.code === "number" ? error.code : null) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

describe("scripts/vm-proof.mjs against a fixture repo served by file://", () => {
  it("proves the exact SHA from a fresh clone, writes the artifacts and ends with the proof lines", async () => {
    const { repo } = fixHistory();
    const sha = (await git(repo.root, ["rev-parse", "HEAD"])).stdout;
    const tmp = tempDir();
    const artifacts = join(tempDir(), "artifacts");
    const result = await vmProof(
      [
        "--repo",
        `file://${repo.root}`,
        "--ref",
        "main",
        "--sha",
        sha,
        "--artifacts",
        artifacts,
        "--no-tests",
      ],
      tmp,
    );
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines.slice(-8)).toEqual([
      `[proof] head=${sha}`,
      "[proof] api=v2",
      "[proof] replacement=evicts",
      "[proof] duplicate-module-invoke=0",
      "[proof] stale-generation-error=native hook relay bridge stale registration",
      "[proof] replacement-generation-invoke=0",
      "[proof] shared-state=7/7",
      "[proof] verdict=holds",
    ]);
    expect(readdirSync(artifacts).sort()).toEqual(["proof.json", "proof.md", "run.log"]);
    expect(JSON.parse(readFileSync(join(artifacts, "proof.json"), "utf8")).target.head).toBe(sha);
    expect(readFileSync(join(artifacts, "proof.md"), "utf8")).toContain("## Real behavior proof");
    expect(readFileSync(join(artifacts, "run.log"), "utf8")).toContain("installing with npm ci");
    // A fresh VM has no dist/: the CLI is built (this fixture's runs from source, so nothing to build).
    expect(readFileSync(join(artifacts, "run.log"), "utf8")).toMatch(/relay-proof run .* --build/);
    expect(leftoversIn(tmp)).toEqual([]);
  });

  it("refuses a ref that is not at the expected SHA, exit 2, and removes its clone", async () => {
    const { repo, commits } = fixHistory();
    const tmp = tempDir();
    const expected = commits["relay: generations (the fix)"] as string;
    const result = await vmProof(
      ["--repo", `file://${repo.root}`, "--ref", "main", "--sha", expected, "--artifacts", join(tmp, "a")],
      tmp,
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `^vm-proof: main is at [0-9a-f]{40}, not the expected ${expected}; refusing to prove another commit\\n$`,
      ),
    );
    expect(leftoversIn(tmp)).toEqual(["a"]);
    expect(existsSync(join(tmp, "a", "proof.json"))).toBe(false);
  });

  it("rejects a missing or short SHA with a usage line", async () => {
    const tmp = tempDir();
    const result = await vmProof(["--repo", "file:///nowhere", "--ref", "main", "--sha", "abc123"], tmp);
    expect(result).toMatchObject({ exitCode: 2, stdout: "" });
    expect(result.stderr).toBe('vm-proof: --sha must be a full 40-hex commit SHA, got "abc123"\n');
  });
});
