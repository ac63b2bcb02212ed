import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { relayModulePath } from "../../fixtures/build-fixture-repo.ts";
import { hangingRelay, interrupt, proofLines, runCli } from "../helpers/cli.ts";
import { fixtureRepo, leftoversIn, tempDir } from "../helpers/fixture-repo.ts";
import { repoState } from "../helpers/repo-state.ts";

/** No process still runs from this repo (the scenario child, a hook command, a bisect step). */
async function processesUsing(path: string): Promise<string[]> {
  const ps = await new Promise<string>((resolve) => {
    const child = spawn("ps", ["-eo", "pid=,stat=,args="], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
    });
    child.on("close", () => resolve(out));
  });
  return ps.split("\n").filter((line) => line.includes(path) && !/^\s*\d+\s+Z/.test(line));
}

/** Live processes whose working directory is under `dir` (the build runs in the cache entry). */
function processesIn(dir: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return (
          readlinkSync(`/proc/${pid}/cwd`).startsWith(dir) &&
          !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"))
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("fault matrix (end to end)", () => {
  it("cleans up and exits 130 on Ctrl-C in the middle of a compare", async () => {
    const repo = fixtureRepo({ moduleSource: hangingRelay });
    const base = repo.head;
    repo.useVariant("v2-correct");
    repo.commit("the fix");
    const before = await repoState(repo.root);
    const tmp = tempDir();
    const result = await interrupt(
      ["compare", "--repo", repo.root, "--base", base, "--no-tests"],
      "running native-hook-relay",
      tmp,
    );
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain("interrupted by SIGINT; cleaned up");
    expect(leftoversIn(tmp)).toEqual([]);
    expect(await repoState(repo.root)).toEqual(before);
    await expect.poll(() => processesUsing(tmp)).toEqual([]);
  });

  it("cleans up and exits 130 on Ctrl-C in the middle of a bisect, HEAD and bisect state untouched", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const bad = repo.head;
    for (let i = 0; i < 3; i++) {
      repo.write(relayModulePath, hangingRelay);
      repo.commit(`hang ${i}`);
    }
    repo.useVariant("v2-correct");
    const good = repo.commit("the fix");
    const before = await repoState(repo.root);
    const tmp = tempDir();
    const result = await interrupt(
      ["bisect", "--repo", repo.root, "--good", good, "--bad", bad],
      "looking for the commit that",
      tmp,
    );
    expect(result.exitCode).toBe(130);
    expect(leftoversIn(tmp)).toEqual([]);
    expect(await repoState(repo.root)).toEqual(before);
    await expect.poll(() => processesUsing(tmp), { timeout: 5000 }).toEqual([]);
  });

  it("cleans up and exits 130 on Ctrl-C during a --build: no half-written cache entry, no process", async () => {
    const repo = fixtureRepo({ cli: "dist" });
    repo.write("scripts/tsdown-build.mjs", 'console.log("compiling"); setInterval(() => {}, 1000);\n');
    repo.commit("a build that takes forever");
    const cache = tempDir("relay-proof-cache-");
    vi.stubEnv("RELAY_PROOF_CACHE_DIR", cache);
    const tmp = tempDir();
    const result = await interrupt(
      ["run", "--repo", repo.root, "--build", "--no-tests"],
      "--build: running",
      tmp,
    );
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain("interrupted by SIGINT; cleaned up");
    expect(leftoversIn(tmp)).toEqual([]);
    expect(existsSync(join(cache, "builds")) ? readdirSync(join(cache, "builds")) : []).toEqual([]);
    await expect.poll(() => processesIn(cache), { timeout: 5000 }).toEqual([]);
    expect((await repoState(repo.root)).status).toBe("");
  });

  it("runs two proofs of one repo at the same time without sharing bridge records or temp dirs", async () => {
    const repo = fixtureRepo();
    const tmp = tempDir();
    const [first, second] = await Promise.all([
      runCli(["run", "--repo", repo.root, "--no-tests", "--quiet"], { env: { TMPDIR: tmp } }),
      runCli(["run", "--repo", repo.root, "--no-tests", "--quiet"], { env: { TMPDIR: tmp } }),
    ]);
    for (const run of [first, second]) {
      expect(run.exitCode).toBe(0);
      expect(proofLines(run.stdout).get("stale-generation-error.bridge")).toBe(
        "native hook relay bridge stale registration",
      );
    }
    expect(leftoversIn(tmp)).toEqual([]);
  });
});
