// Two relay-proof processes that need the same tree's build at once: one builds, the other waits on
// the tree's lock and reuses the build; a dead owner's lock is taken over. Issue 18.
import { execFileSync, spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath, proofLines, runCli } from "../helpers/cli.ts";
import { fixtureRepo, leftoversIn, tempDir } from "../helpers/fixture-repo.ts";
import { halfWrittenCacheEntries } from "../helpers/stages.ts";

/** Start the CLI; `said(text)` resolves once its stderr shows `text`. */
function start(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [binPath, ...args], {
    env: { ...process.env, GITHUB_ACTIONS: "false", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
    for (const waiter of waiters.filter((w) => stderr.includes(w.text))) waiter.resolve();
  });
  const done = new Promise<{ exitCode: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (exitCode) => resolve({ exitCode, stdout, stderr })),
  );
  return {
    pid: child.pid as number,
    done,
    said: (text: string) =>
      new Promise<void>((resolve, reject) => {
        if (stderr.includes(text)) resolve();
        waiters.push({ text, resolve });
        void done.then(() => reject(new Error(`ended without saying "${text}":\n${stderr}`)));
      }),
  };
}

describe("the build cache, shared by two runs", () => {
  it("builds a tree once while a second run waits for it, then both run the hook commands on that build", async () => {
    const stages = tempDir("relay-proof-stages-");
    const builds = join(stages, "builds.log");
    const release = join(stages, "release");
    const repo = fixtureRepo({ cli: "dist" });
    const build = readFileSync(join(repo.root, "scripts", "tsdown-build.mjs"), "utf8");
    // The fixture's own build, after a wait the test ends: a build that takes as long as the test needs.
    repo.write(
      "scripts/tsdown-build.mjs",
      `import { appendFileSync, existsSync } from "node:fs";
appendFileSync(${JSON.stringify(builds)}, "built\\n");
while (!existsSync(${JSON.stringify(release)})) await new Promise((resolve) => setTimeout(resolve, 50));
${build}`,
    );
    repo.commit("a build that waits");
    const env = { RELAY_PROOF_CACHE_DIR: tempDir("relay-proof-cache-"), TMPDIR: tempDir() };
    const args = ["run", "--repo", repo.root, "--build", "--no-tests"];
    const first = start(args, env);
    await first.said("--build: running scripts/tsdown-build.mjs");
    const second = start(args, env);
    await second.said(`is being built by relay-proof pid ${first.pid}; waiting for it`);
    writeFileSync(release, "");
    const [one, two] = await Promise.all([first.done, second.done]);
    for (const run of [one, two]) {
      expect(run.exitCode, run.stderr).toBe(0);
      expect(proofLines(run.stdout).get("duplicate-module-invoke.command")).toBe("0");
    }
    expect(readFileSync(builds, "utf8")).toBe("built\n");
    expect(one.stderr).toMatch(/--build: built tree [0-9a-f]{12} in/);
    expect(two.stderr).toMatch(/--build: cached build of tree [0-9a-f]{12}/);
    expect(two.stderr).not.toContain("--build: running");
    const cache = env.RELAY_PROOF_CACHE_DIR;
    expect(halfWrittenCacheEntries(cache)).toEqual([]);
    expect(readdirSync(join(cache, "builds"))).toHaveLength(1);
    expect(leftoversIn(env.TMPDIR)).toEqual([]);
  });

  it("removes the lock and partial build a killed run left before building, and says so", async () => {
    const repo = fixtureRepo({ cli: "dist" });
    const cache = tempDir("relay-proof-cache-");
    const tree = execFileSync("git", ["rev-parse", "HEAD^{tree}"], {
      cwd: repo.root,
      encoding: "utf8",
    }).trim();
    const dead = Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]));
    const builds = join(cache, "builds");
    mkdirSync(join(builds, `.partial-${tree}-${dead}-1`, "checkout"), { recursive: true });
    appendFileSync(join(builds, `.lock-${tree}`), `${dead}\n`);
    const run = await runCli(["run", "--repo", repo.root, "--build", "--no-tests"], {
      env: { RELAY_PROOF_CACHE_DIR: cache, TMPDIR: tempDir() },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      "relay-proof: cleaned up after a relay-proof that was killed: removed 2 unfinished cache entries\n",
    );
    expect(proofLines(run.stdout).get("duplicate-module-invoke.command")).toBe("0");
    expect(existsSync(join(builds, `${tree}.dev`, "meta.json"))).toBe(true);
    expect(halfWrittenCacheEntries(cache)).toEqual([]);
  });
});
