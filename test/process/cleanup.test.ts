import { describe, expect, it, vi } from "vitest";
import { onCleanup, pendingCleanupCount, runCleanup } from "../../src/process/cleanup.ts";

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
