// A private relay-proof cache for a test that builds (so its builds never meet another test's), and
// the tree a build entry is named after.
import { execFileSync } from "node:child_process";
import { vi } from "vitest";
import { tempDir } from "./fixture-repo.ts";

/** Point RELAY_PROOF_CACHE_DIR at a fresh temp dir for this test; returns it. */
export function privateCache(): string {
  const dir = tempDir("relay-proof-cache-");
  vi.stubEnv("RELAY_PROOF_CACHE_DIR", dir);
  return dir;
}

/** The tree of HEAD in `root`: a full build's cache entry name. */
export const treeOf = (root: string) =>
  execFileSync("git", ["rev-parse", "HEAD^{tree}"], { cwd: root, encoding: "utf8" }).trim();
