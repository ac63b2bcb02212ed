import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pendingCleanupCount } from "../../src/process/cleanup.ts";
import { processAlive, processGroupAlive, shellExitCode, spawnGroup } from "../../src/process/spawn-group.ts";
import { tempDir } from "../helpers/fixture-repo.ts";

const node = process.execPath;
const env = { ...process.env };

describe("spawnGroup", () => {
  it("returns exit code, stdout and stderr of a finished child, with stdin fed from input", async () => {
    const result = await spawnGroup(
      node,
      [
        "-e",
        "process.stdin.pipe(process.stdout); process.stderr.write('err'); process.on('exit', () => process.exitCode = 3)",
      ],
      { cwd: process.cwd(), env, timeoutMs: 10_000, input: "payload" },
    );
    expect(result).toMatchObject({
      exitCode: 3,
      signal: undefined,
      timedOut: false,
      stdout: "payload",
      stderr: "err",
    });
    expect(result.leftoverProcesses).toBe(false);
    expect(pendingCleanupCount()).toBe(0);
  });

  it("kills the whole process group on timeout, grandchildren included", async () => {
    const script = `
      const { spawn } = require("node:child_process");
      const grandchild = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      console.log(grandchild.pid);
      setInterval(() => {}, 1000);
    `;
    const result = await spawnGroup(node, ["-e", script], {
      cwd: process.cwd(),
      env,
      timeoutMs: 1500,
      killGraceMs: 200,
    });
    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe("SIGTERM");
    expect(shellExitCode(result)).toBe(143);
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    await expect.poll(() => processAlive(grandchild)).toBe(false);
  });

  it("escalates to SIGKILL when the child ignores SIGTERM", async () => {
    const result = await spawnGroup(
      node,
      ["-e", "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"],
      { cwd: process.cwd(), env, timeoutMs: 800, killGraceMs: 300 },
    );
    expect(result).toMatchObject({ timedOut: true, signal: "SIGKILL", stdout: "ready\n" });
    expect(shellExitCode(result)).toBe(137);
  });

  it("reports and kills group members that outlive the leader", async () => {
    const script = `
      const { spawn } = require("node:child_process");
      const orphan = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      console.log(orphan.pid);
      orphan.unref();
    `;
    const result = await spawnGroup(node, ["-e", script], {
      cwd: process.cwd(),
      env,
      timeoutMs: 10_000,
      leftoverGraceMs: 200,
    });
    expect(result.exitCode).toBe(0);
    expect(result.leftoverProcesses).toBe(true);
    const orphan = Number(result.stdout.trim());
    await expect.poll(() => processAlive(orphan)).toBe(false);
  });

  it("stops the group when the abort signal fires", async () => {
    const controller = new AbortController();
    const running = spawnGroup(node, ["-e", "setInterval(() => {}, 1000)"], {
      cwd: process.cwd(),
      env,
      timeoutMs: 30_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 200);
    const result = await running;
    expect(result).toMatchObject({ aborted: true, timedOut: false, signal: "SIGTERM" });
  });

  it("starts nothing once the signal is aborted", async () => {
    const marker = join(tempDir(), "started");
    const controller = new AbortController();
    controller.abort();
    const result = await spawnGroup(
      node,
      ["-e", `require("fs").writeFileSync(${JSON.stringify(marker)}, "")`],
      {
        cwd: process.cwd(),
        env,
        timeoutMs: 30_000,
        signal: controller.signal,
      },
    );
    expect(result).toMatchObject({
      aborted: true,
      exitCode: undefined,
      spawnError: "interrupted before it started",
    });
    expect(existsSync(marker)).toBe(false);
  });

  it("reports a binary that cannot start as spawnError, not as an exception", async () => {
    const result = await spawnGroup("/nonexistent/relay-proof-binary", [], {
      cwd: process.cwd(),
      env,
      timeoutMs: 5000,
    });
    expect(result.exitCode).toBeUndefined();
    expect(result.spawnError).toMatch(/ENOENT/);
    expect(pendingCleanupCount()).toBe(0);
  });

  it("delivers IPC messages from a Node child", async () => {
    const messages: unknown[] = [];
    const result = await spawnGroup(node, ["-e", "process.send({ type: 'hello' }, () => process.exit(0))"], {
      cwd: process.cwd(),
      env,
      timeoutMs: 10_000,
      onMessage: (message) => messages.push(message),
    });
    expect(result.exitCode).toBe(0);
    expect(messages).toEqual([{ type: "hello" }]);
  });

  it("says a finished group is gone", async () => {
    const result = await spawnGroup(node, ["-e", "console.log(process.pid)"], {
      cwd: process.cwd(),
      env,
      timeoutMs: 10_000,
    });
    expect(processGroupAlive(Number(result.stdout.trim()))).toBe(false);
  });
});
