import type { TestRoute } from "./route.ts";

export interface ShardInvocation {
  config: string | undefined;
  project: string | undefined;
  files: string[];
}

/** One shard: invocations run one after another; shards run side by side. */
export interface ShardPlan {
  /** 1-based. */
  index: number;
  invocations: ShardInvocation[];
}

/**
 * Split routed files into at most `count` shards of near-equal file counts, keeping files of one
 * route together where possible. Never creates a shard without files (Vitest errors on those).
 */
export function planShards(routes: readonly TestRoute[], count: number): ShardPlan[] {
  const items = routes.flatMap((route) => route.files.map((file) => ({ route, file })));
  const shards = Math.max(0, Math.min(Math.floor(count), items.length));
  const plans: ShardPlan[] = [];
  let next = 0;
  for (let index = 0; index < shards; index++) {
    const size = Math.floor(items.length / shards) + (index < items.length % shards ? 1 : 0);
    const chunk = items.slice(next, next + size);
    next += size;
    const invocations: ShardInvocation[] = [];
    for (const { route, file } of chunk) {
      const last = invocations.at(-1);
      if (last && last.config === route.config && last.project === route.project) last.files.push(file);
      else invocations.push({ config: route.config, project: route.project, files: [file] });
    }
    plans.push({ index: index + 1, invocations });
  }
  return plans;
}

/** Parse `--shard-index i/n`: which of n machines this is. */
export function parseShardIndex(value: string): { index: number; count: number } | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return index >= 1 && count >= 1 && index <= count ? { index, count } : undefined;
}
