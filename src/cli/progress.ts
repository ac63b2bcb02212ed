import type { ShardEvent } from "../shards/run-tests.ts";

export interface Progress {
  /** A line of progress (plain in CI and pipes). */
  line(message: string): void;
  /** Shard events: one live status line on a terminal, plain lines elsewhere. */
  shard(event: ShardEvent): void;
  stop(): void;
}

/**
 * Progress on stderr. On a TTY (and not CI) the shard lines become one status line redrawn in place
 * with the elapsed time; in CI and pipes every message is a plain line.
 */
export function createProgress(write: (text: string) => void, live: boolean): Progress {
  if (!live) {
    return { line: (message) => write(`relay-proof: ${message}\n`), shard: () => {}, stop: () => {} };
  }
  const running = new Map<number, number>();
  const done: Extract<ShardEvent, { type: "end" }>[] = [];
  let count = 0;
  let started = 0;
  let timer: NodeJS.Timeout | undefined;
  let shown = false;
  const status = () => {
    const passed = done.reduce((n, e) => n + e.passed, 0);
    const failed = done.reduce((n, e) => n + e.failed, 0);
    const active = [...running.keys()].map((index) => `#${index}`).join(" ");
    const elapsed = Math.round((performance.now() - started) / 1000);
    write(
      `\r\u001b[Krelay-proof: tests ${done.length}/${count} shards done, ${passed} passed, ${failed} failed${active ? `; running ${active}` : ""} (${elapsed} s)`,
    );
    shown = true;
  };
  const clear = () => {
    if (shown) write("\r\u001b[K");
    shown = false;
  };
  return {
    line(message) {
      // Shard lines are shown by the status line instead.
      if (/^shard \d+\/\d+: /.test(message)) return;
      clear();
      write(`relay-proof: ${message}\n`);
      if (timer) status();
    },
    shard(event) {
      count = event.count;
      if (!timer) {
        started = performance.now();
        timer = setInterval(status, 1000);
        timer.unref();
      }
      if (event.type === "start") running.set(event.index, event.files);
      else {
        running.delete(event.index);
        done.push(event);
      }
      status();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (shown) {
        write("\n");
        shown = false;
      }
    },
  };
}
