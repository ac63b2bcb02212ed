import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onCleanup } from "./cleanup.ts";

export interface TempDir {
  readonly path: string;
  remove(): void;
}

/** A private temp dir that removes itself on `remove()` or on interrupt, whichever comes first. */
export function makeTempDir(prefix = "relay-proof-", parent = tmpdir()): TempDir {
  mkdirSync(parent, { recursive: true });
  const path = mkdtempSync(join(parent, prefix));
  const remove = () => rmSync(path, { recursive: true, force: true, maxRetries: 3 });
  const unregister = onCleanup(remove);
  return {
    path,
    remove() {
      unregister();
      remove();
    },
  };
}
