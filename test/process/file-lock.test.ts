import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquireLock, lockOwner } from "../../src/process/file-lock.ts";
import { tempDir } from "../helpers/fixture-repo.ts";

/** A pid that is certainly not running: a process that has exited. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]));
}

describe("a lock file naming its owner", () => {
  it("holds this process's pid until released", async () => {
    const path = join(tempDir(), "lock");
    const lock = await acquireLock(path);
    expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
    expect(lock.tookOverFrom).toBeUndefined();
    lock.release();
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it("makes a second taker wait for the release, telling it who holds the lock", async () => {
    const path = join(tempDir(), "lock");
    const first = await acquireLock(path);
    const waitedFor: number[] = [];
    let acquired = false;
    const second = acquireLock(path, { pollMs: 10, onWait: (owner) => waitedFor.push(owner) }).then(
      (lock) => {
        acquired = true;
        return lock;
      },
    );
    await expect.poll(() => waitedFor).toEqual([process.pid]);
    expect(acquired).toBe(false);
    first.release();
    (await second).release();
    expect(acquired).toBe(true);
  });

  it("takes over the lock of an owner that is no longer running, and one that names no pid", async () => {
    const dir = tempDir();
    const dead = deadPid();
    writeFileSync(join(dir, "dead"), `${dead}\n`);
    const lock = await acquireLock(join(dir, "dead"));
    expect(lock.tookOverFrom).toBe(dead);
    expect(lockOwner(join(dir, "dead"))).toBe(process.pid);
    lock.release();
    writeFileSync(join(dir, "garbage"), "\u0000\u0001 not a pid");
    (await acquireLock(join(dir, "garbage"))).release();
  });

  it("stops waiting when the signal is aborted", async () => {
    const path = join(tempDir(), "lock");
    const held = await acquireLock(path);
    const controller = new AbortController();
    const waiting = acquireLock(path, { signal: controller.signal, onWait: () => controller.abort() });
    await expect(waiting).rejects.toMatchObject({ code: "INTERRUPTED" });
    held.release();
  });
});
