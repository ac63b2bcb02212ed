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

/** A fixture repo (a copy of the run's pristine one for these options) that deletes itself when the test finishes. */
export function fixtureRepo(options: FixtureRepoOptions = {}): FixtureRepo {
  const { parent, ...rest } = options;
  const { repo } = cachedFixture(["repo", rest], parent, (dir) => ({
    repo: createFixtureRepo({ ...rest, parent: dir }),
    data: null,
  }));
  onTestFinished(() => repo.remove());
  return repo;
}

/** A temp dir that deletes itself when the test finishes. */
export function tempDir(prefix = "relay-proof-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Entries of `dir` that relay-proof would have left behind (tsx's own compile cache excluded). */
export function leftoversIn(dir: string): string[] {
  return readdirSync(dir).filter((name) => !name.startsWith("tsx-"));
}
