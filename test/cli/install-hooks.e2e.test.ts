import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { proofLines, runCli } from "../helpers/cli.ts";
import { fixtureRepo, leftoversIn, tempDir } from "../helpers/fixture-repo.ts";
import { worktreeCount } from "../helpers/repo-state.ts";

/** pnpm stand-in (none is installed here): logs its argv and, as pnpm does, loads .pnpmfile.cjs unless told not to. */
function fakePnpm(log: string): string {
  const bin = tempDir("relay-proof-bin-");
  writeFileSync(
    join(bin, "pnpm"),
    `#!${process.execPath}
const fs = require("node:fs");
fs.appendFileSync(${JSON.stringify(log)}, process.argv.slice(2).join(" ") + "\\n");
if (!process.argv.includes("--ignore-pnpmfile")) require(require("node:path").resolve(".pnpmfile.cjs"));
`,
  );
  chmodSync(join(bin, "pnpm"), 0o755);
  return bin;
}

describe("--trust-install-hooks (end to end)", () => {
  it("ignores a head's .pnpmfile.cjs by default, runs it with the flag, refuses a lockfile that needs it", async () => {
    const dir = tempDir();
    const [log, ran] = [join(dir, "pnpm.log"), join(dir, "pnpmfile-ran")];
    const repo = fixtureRepo();
    repo.write(".pnpmfile.cjs", `require("node:fs").writeFileSync(${JSON.stringify(ran)}, "");\n`);
    const base = repo.commit("a head with a .pnpmfile.cjs");
    repo.write("pnpm-lock.yaml", `${readFileSync(join(repo.root, "pnpm-lock.yaml"), "utf8")}# newer\n`);
    repo.commit("the installed lockfile differs");
    const tmp = tempDir();
    const env = { PATH: `${fakePnpm(log)}:${process.env.PATH}`, TMPDIR: tmp };
    const args = ["run", "--repo", repo.root, "--ref", base, "--no-tests"];

    const ignored = await runCli(args, { env });
    expect(ignored.exitCode, ignored.stderr).toBe(0);
    expect(ignored.stderr).toContain(
      "(the head ships .pnpmfile.cjs: ignored; --trust-install-hooks runs it)",
    );
    expect(existsSync(ran)).toBe(false);

    const trusted = await runCli([...args, "--trust-install-hooks"], { env });
    expect(trusted.exitCode, trusted.stderr).toBe(0);
    expect(proofLines(trusted.stdout).get("verdict")).toBe("holds");
    expect(trusted.stderr).toContain("(its .pnpmfile.cjs runs: --trust-install-hooks)");
    expect(existsSync(ran)).toBe(true);
    expect(readFileSync(log, "utf8")).toBe(
      "install --frozen-lockfile --ignore-scripts --ignore-pnpmfile\ninstall --frozen-lockfile --ignore-scripts\n",
    );

    // A lockfile resolved with the hooks: exit 2, one line naming the flag, nothing left behind.
    repo.write("pnpm-lock.yaml", "lockfileVersion: '9.0'\npnpmfileChecksum: sha256-abc\n");
    const needs = repo.commit("a lockfile resolved with the pnpmfile");
    repo.write("pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
    repo.commit("installed without it");
    const refused = await runCli(["run", "--repo", repo.root, "--ref", needs, "--no-tests"], { env });
    expect(refused).toMatchObject({ exitCode: 2, stdout: "" });
    const lines = refused.stderr.trimEnd().split("\n");
    expect(lines.at(-1)).toMatch(
      /^relay-proof: the head at [0-9a-f]{12} installs only with its package-manager hooks \(\.pnpmfile\.cjs\).*\(pass --trust-install-hooks to run them/,
    );
    expect(lines.filter((line) => !line.startsWith("relay-proof: proving "))).toHaveLength(1);
    expect(await worktreeCount(repo.root)).toBe(1);
    expect(leftoversIn(tmp)).toEqual([]);
  });
});
