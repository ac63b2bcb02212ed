// The focused tests start with the scenario, not after it. The scenario child is mostly one busy
// core and the shards want every core, so side by side a run ends sooner (a DaisyClaw `run`: the
// scenario's ~20 s were spent before any shard started); one shard fewer starts until the scenario
// is done, so its own timings meet no more load than the cores carry. The tests count only when it
// gives a verdict: until then what they say (progress, shard events) is held back, so the output
// reads as before; when the scenario cannot test, or stops, they are stopped and awaited, nothing
// left running.
import type { ShardEvent } from "../shards/run-tests.ts";

export interface EarlyTestsHooks {
  signal: AbortSignal;
  /** Settles when the scenario is done (keep or drop): until then it keeps a core busy. */
  coreBusyUntil: Promise<void>;
  onProgress: (message: string) => void;
  onShard: (event: ShardEvent) => void;
}

export interface EarlyTests<T> {
  /** The scenario gave a verdict: say what was held back, then the tests' result (or their error). */
  keep(): Promise<T>;
  /** The scenario cannot test or stopped: stop the tests and wait until nothing of theirs runs. */
  drop(): Promise<void>;
}

/** Start `run` now, holding back what it says until `keep()`. */
export function startEarly<T>(
  run: (hooks: EarlyTestsHooks) => Promise<T>,
  outer: {
    signal?: AbortSignal;
    onProgress?: (message: string) => void;
    onShard?: (event: ShardEvent) => void;
  },
): EarlyTests<T> {
  const stop = new AbortController();
  const signal = outer.signal ? AbortSignal.any([outer.signal, stop.signal]) : stop.signal;
  const held: (() => void)[] = [];
  let live = false;
  let scenarioDone: () => void = () => {};
  const coreBusyUntil = new Promise<void>((resolve) => {
    scenarioDone = resolve;
  });
  const hold =
    <A>(forward: ((value: A) => void) | undefined) =>
    (value: A) => {
      if (!forward) return;
      if (live) forward(value);
      else held.push(() => forward(value));
    };
  const running = run({
    signal,
    coreBusyUntil,
    onProgress: hold(outer.onProgress),
    onShard: hold(outer.onShard),
  });
  // Observed by keep() or drop(); never an unhandled rejection meanwhile.
  running.catch(() => {});
  return {
    async keep() {
      scenarioDone();
      live = true;
      for (const say of held.splice(0)) say();
      return running;
    },
    async drop() {
      scenarioDone();
      held.length = 0;
      stop.abort();
      await running.catch(() => {});
    },
  };
}
