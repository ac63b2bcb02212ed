import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onCleanup } from "./cleanup.ts";

export interface TempDir {
  readonly path: string;
  remove(): void;
}

/**
 * The names of relay-proof's temp dirs: `<prefix><owner pid>-<6 random>`. The pid lets a later run
 * remove what a killed one left (src/process/stale.ts).
 */
export const ownedTempDir = /^(?:relay-proof-[a-z]+(?:-[a-z]+)*-|\.staging-)(\d+)-[A-Za-z0-9]{6}$/;

/** A private temp dir that removes itself on `remove()` or on interrupt, whichever comes first. */
export function makeTempDir(prefix = "relay-proof-", parent = tmpdir()): TempDir {
  mkdirSync(parent, { recursive: true });
  const path = mkdtempSync(join(parent, `${prefix}${process.pid}-`));
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
