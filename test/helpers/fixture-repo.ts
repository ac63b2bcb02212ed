import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";
import {
  createFixtureRepo,
  type FixtureRepo,
  type FixtureRepoOptions,
} from "../../fixtures/build-fixture-repo.ts";
import { cachedFixture } from "./fixture-cache.ts";

/** When a test's temp dir or repo goes: by default when the test finishes. */
export type Cleanup = (remove: () => void) => void;

/** A fixture repo (a copy of the run's pristine one for these options) that deletes itself when the test finishes. */
export function fixtureRepo(
  options: FixtureRepoOptions = {},
  cleanup: Cleanup = onTestFinished,
): FixtureRepo {
  const { parent, ...rest } = options;
  const { repo } = cachedFixture(["repo", rest], parent, (dir) => ({
    repo: createFixtureRepo({ ...rest, parent: dir }),
    data: null,
  }));
  cleanup(() => repo.remove());
  return repo;
}

/** A temp dir that deletes itself when the test finishes. */
export function tempDir(prefix = "relay-proof-test-", cleanup: Cleanup = onTestFinished): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Entries of `dir` that relay-proof would have left behind (tsx's own compile cache excluded). */
export function leftoversIn(dir: string): string[] {
  return readdirSync(dir).filter((name) => !name.startsWith("tsx-"));
}
