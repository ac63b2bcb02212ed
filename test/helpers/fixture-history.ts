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

/** A copy of the run's pristine history from `create`, deleted when the test finishes. */
function history<H extends { repo: FixtureHistory["repo"] }, O extends FixtureRepoOptions>(
  name: string,
  create: (options: O) => H,
  options: O,
): H {
  const { parent, ...rest } = options;
  const { repo, data } = cachedFixture([name, rest], parent, (dir) => {
    const { repo, ...data } = create({ ...rest, parent: dir } as O);
    return { repo, data };
  });
  onTestFinished(() => repo.remove());
  return { ...data, repo } as unknown as H;
}

/** Fixture histories that delete themselves when the test finishes. */
export function fixHistory(): FixtureHistory {
  return history("fix-history", createFixHistory, {});
}

export function regressionHistory(): FixtureHistory {
  return history("regression-history", createRegressionHistory, {});
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
