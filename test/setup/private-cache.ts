// The suite's own relay-proof cache (builds, loader caches, provisioned Nodes): tests never read or
// fill the developer's ~/.cache/relay-proof, and the folder goes when the run ends.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const previous = process.env.RELAY_PROOF_CACHE_DIR;
  if (previous) return () => {};
  const dir = mkdtempSync(join(tmpdir(), "relay-proof-test-cache-"));
  process.env.RELAY_PROOF_CACHE_DIR = dir;
  return () => {
    delete process.env.RELAY_PROOF_CACHE_DIR;
    rmSync(dir, { recursive: true, force: true });
  };
}
