import { describe, expect, it } from "vitest";
import { parallelSlots } from "../../src/process/limits.ts";

const gib = 1024 ** 3;

describe("parallelSlots", () => {
  it("gives one slot per core while the free memory holds them all", () => {
    expect(parallelSlots({ perSlotMiB: 450, cores: 4, freeBytes: 16 * gib })).toBe(4);
    expect(parallelSlots({ perSlotMiB: 450, cores: 4, freeBytes: 16 * gib, cap: 2 })).toBe(2);
  });

  it("gives fewer slots when memory is short, and never fewer than one", () => {
    expect(parallelSlots({ perSlotMiB: 450, cores: 8, freeBytes: 1 * gib })).toBe(2);
    expect(parallelSlots({ perSlotMiB: 1536, cores: 2, freeBytes: 2 * gib })).toBe(1);
    expect(parallelSlots({ perSlotMiB: 450, cores: 2, freeBytes: 0 })).toBe(1);
  });
});
