// A run's timeline (issue 25): each stage and path with its start (ms after the run began) and its
// duration, so a user waiting on a real checkout sees where the time went and the bench can read it.
// The engine times its own stages; the scenario child reports its imports, checks and hook commands.

/** One stage: `scenario`, `tests`, `import b`, `check shared-state`, `command stale-generation-error`... */
export interface TimelineEntry {
  stage: string;
  /** Milliseconds after the run started. */
  startMs: number;
  durationMs: number;
}

export interface Timeline {
  readonly entries: TimelineEntry[];
  /** Record a stage that started at `startedAt` (epoch ms) and took `durationMs`. */
  add(stage: string, startedAt: number, durationMs: number): void;
  /** Run `work` as the stage `stage`; it is recorded whether it returns or throws. */
  time<T>(stage: string, work: () => Promise<T>): Promise<T>;
}

/** A timeline whose times count from `origin` (epoch ms: the run's start). */
export function createTimeline(origin: number): Timeline {
  const entries: TimelineEntry[] = [];
  const add = (stage: string, startedAt: number, durationMs: number) => {
    entries.push({
      stage,
      startMs: Math.max(0, Math.round(startedAt - origin)),
      durationMs: Math.max(0, Math.round(durationMs)),
    });
  };
  return {
    entries,
    add,
    async time(stage, work) {
      const startedAt = Date.now();
      try {
        return await work();
      } finally {
        add(stage, startedAt, Date.now() - startedAt);
      }
    },
  };
}

/**
 * The `count` longest stages, longest first. `scenario` and `tests` hold the stages inside them, so the
 * list names both the big stages and the paths that made them long.
 */
export function longestStages(entries: readonly TimelineEntry[], count = 5): TimelineEntry[] {
  return [...entries].sort((x, y) => y.durationMs - x.durationMs || x.startMs - y.startMs).slice(0, count);
}
