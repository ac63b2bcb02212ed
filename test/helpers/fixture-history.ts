import { onTestFinished } from "vitest";
import {
  createDemoHistory,
  createFixHistory,
  createRegressionHistory,
  type FixtureHistory,
} from "../../fixtures/build-fixture-history.ts";
import type { FixtureRepoOptions } from "../../fixtures/build-fixture-repo.ts";
import {
  createHelperChangeHistory,
  createLongHistory,
  type LongHistory,
  type LongHistoryOptions,
} from "../../fixtures/build-long-history.ts";
import { cachedFixture } from "./fixture-cache.ts";
import type { Cleanup } from "./fixture-repo.ts";

/** A copy of the run's pristine history from `create`, deleted when the test finishes. */
function history<H extends { repo: FixtureHistory["repo"] }, O extends FixtureRepoOptions>(
  name: string,
  create: (options: O) => H,
  options: O,
  cleanup: Cleanup = onTestFinished,
): H {
  const { parent, ...rest } = options;
  const { repo, data } = cachedFixture([name, rest], parent, (dir) => {
    const { repo, ...data } = create({ ...rest, parent: dir } as O);
    return { repo, data };
  });
  cleanup(() => repo.remove());
  return { ...data, repo } as unknown as H;
}

/** Fixture histories that delete themselves when the test finishes. */
export function fixHistory(cleanup?: Cleanup): FixtureHistory {
  return history("fix-history", createFixHistory, {}, cleanup);
}

export function regressionHistory(cleanup?: Cleanup): FixtureHistory {
  return history("regression-history", createRegressionHistory, {}, cleanup);
}

export function demoHistory(options: FixtureRepoOptions = {}): FixtureHistory {
  return history("demo-history", createDemoHistory, options);
}

export function longHistory(options: LongHistoryOptions): LongHistory {
  return history("long-history", createLongHistory, options);
}

export function helperChangeHistory(): LongHistory {
  return history("helper-change-history", createHelperChangeHistory, {});
}
