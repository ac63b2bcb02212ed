import { describe, expect, it, vi } from "vitest";
import {
  cleanupAfterInterrupt,
  onCleanup,
  pendingCleanupCount,
  runCleanup,
} from "../../src/process/cleanup.ts";

describe("cleanup registry", () => {
  it("runs pending tasks newest first and keeps going when one throws", async () => {
    const order: string[] = [];
    onCleanup(() => {
      order.push("first");
    });
    onCleanup(() => {
      throw new Error("broken task");
    });
    onCleanup(async () => {
      order.push("third");
    });
    const errors = await runCleanup();
    expect(order).toEqual(["third", "first"]);
    expect(errors.map((error) => error.message)).toEqual(["broken task"]);
    expect(pendingCleanupCount()).toBe(0);
  });

  it("does not run a task that was released normally", async () => {
    const task = vi.fn();
    const release = onCleanup(task);
    release();
    await runCleanup();
    expect(task).not.toHaveBeenCalled();
  });
});

describe("the last cleanup of an interrupted run", () => {
  it("waits for the work to stop, undoes what is left, and undoes at once what registers later", async () => {
    const order: string[] = [];
    onCleanup(() => {
      order.push("left over");
    });
    let finish: () => void = () => {};
    const work = new Promise<void>((resolve) => {
      finish = () => {
        order.push("work stopped");
        resolve();
      };
    });
    const done = cleanupAfterInterrupt(work, 60_000);
    finish();
    await done;
    expect(order).toEqual(["work stopped", "left over"]);
    const late = vi.fn();
    const release = onCleanup(late);
    await expect.poll(() => late.mock.calls.length).toBe(1);
    release();
    expect(pendingCleanupCount()).toBe(0);
  });
});
