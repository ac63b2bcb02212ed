import { onTestFinished } from "vitest";
import {
  createDemoHistory,
  createFixHistory,
  createRegressionHistory,
  type FixtureHistory,
} from "../../fixtures/build-fixture-history.ts";
import {
  createHelperChangeHistory,
  createLongHistory,
  type LongHistory,
  type LongHistoryOptions,
} from "../../fixtures/build-long-history.ts";

/** Fixture histories that delete themselves when the test finishes. */
export function fixHistory(): FixtureHistory {
  const history = createFixHistory();
  onTestFinished(() => history.repo.remove());
  return history;
}

export function regressionHistory(): FixtureHistory {
  const history = createRegressionHistory();
  onTestFinished(() => history.repo.remove());
  return history;
}

export function demoHistory(): FixtureHistory {
  const history = createDemoHistory();
  onTestFinished(() => history.repo.remove());
  return history;
}

export function longHistory(options: LongHistoryOptions): LongHistory {
  const history = createLongHistory(options);
  onTestFinished(() => history.repo.remove());
  return history;
}

export function helperChangeHistory(): LongHistory {
  const history = createHelperChangeHistory();
  onTestFinished(() => history.repo.remove());
  return history;
}
