// How many target processes may run side by side on this machine: bounded by the cores available and
// by free memory, so compare's two sides and bisect's workers never push a small VM into swap. Issue 11.

import { availableParallelism, freemem } from "node:os";

const mib = 1024 ** 2;

/** Peak memory of one scenario child on a real checkout (measured ~420-440 MiB), with some headroom. */
export const scenarioMiB = 450;
/** One side of a compare with its focused tests: the scenario, then Vitest shards (~1 GiB on real checkouts). */
export const scenarioWithTestsMiB = 1536;

export interface SlotOptions {
  /** Memory one slot needs at its peak, in MiB. */
  perSlotMiB: number;
  /** Never more slots than this (e.g. 2 for compare's two sides). */
  cap?: number;
  /** What this machine offers; defaults to os.availableParallelism() and os.freemem(). */
  cores?: number;
  freeBytes?: number;
}

/** The number of slots that fit both the cores and the free memory; at least 1. */
export function parallelSlots(options: SlotOptions): number {
  const cores = options.cores ?? availableParallelism();
  const free = options.freeBytes ?? freemem();
  const byMemory = Math.floor(free / (options.perSlotMiB * mib));
  const slots = Math.min(cores, byMemory, options.cap ?? Number.POSITIVE_INFINITY);
  return Math.max(1, Number.isFinite(slots) ? slots : 1);
}
