// Pristine fixture repos and histories, built once per test run for each set of options and copied
// for each test that asks: the copy is the same repo (same files, same SHAs) at a path of its own, so
// a test may write to it. Building one costs a template copy and ~6 git processes; copying it, one `cp -a`.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { type FixtureRepo, fixtureRepoAt } from "../../fixtures/build-fixture-repo.ts";

/** The run's folder of pristine fixtures, made by test/setup/fixture-cache.ts; unset, nothing is cached. */
export const fixtureCacheEnv = "RELAY_PROOF_TEST_FIXTURES";

interface Entry<T> {
  /** The repo's folder name inside the entry. */
  name: string;
  head: string;
  brand: string;
  data: T;
}

/**
 * A copy of the fixture `build` makes for `key` (the builder's name and its options, `parent`
 * aside), in a new folder under `parent`. The first call of the run builds it into the cache; both
 * workers may race to, and the first rename wins.
 */
export function cachedFixture<T>(
  key: unknown,
  parent: string | undefined,
  build: (parent: string) => { repo: FixtureRepo; data: T },
): { repo: FixtureRepo; data: T } {
  const cache = process.env[fixtureCacheEnv];
  if (!cache) return build(parent ?? tmpdir());
  const dir = join(cache, createHash("sha256").update(JSON.stringify(key)).digest("hex").slice(0, 20));
  if (!existsSync(join(dir, "entry.json"))) {
    const staging = mkdtempSync(join(cache, "staging-"));
    const { repo, data } = build(staging);
    if (dirname(repo.root) !== staging)
      throw new Error(`${repo.root}: the builder ignored its parent folder`);
    const entry: Entry<T> = { name: basename(repo.root), head: repo.head, brand: repo.brand, data };
    writeFileSync(join(staging, "entry.json"), JSON.stringify(entry));
    try {
      renameSync(staging, dir);
    } catch {
      // the other worker's copy got there first: the same fixture
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const entry = JSON.parse(readFileSync(join(dir, "entry.json"), "utf8")) as Entry<T>;
  const root = mkdtempSync(join(parent ?? tmpdir(), "relay-proof-fixture-"));
  execFileSync("cp", ["-a", `${join(dir, entry.name)}/.`, root]);
  return { repo: fixtureRepoAt(root, entry.head, entry.brand), data: entry.data };
}
