// The run's pristine fixture repos and histories (test/helpers/fixture-cache.ts): one folder that
// both workers fill and copy from, removed when the run ends.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureCacheEnv } from "../helpers/fixture-cache.ts";

export default function setup(): () => void {
  if (process.env[fixtureCacheEnv]) return () => {};
  const dir = mkdtempSync(join(tmpdir(), "relay-proof-test-fixtures-"));
  process.env[fixtureCacheEnv] = dir;
  return () => {
    delete process.env[fixtureCacheEnv];
    rmSync(dir, { recursive: true, force: true });
  };
}
