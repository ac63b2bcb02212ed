import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export interface VitestBin {
  path: string;
  version: string;
}

/** The checkout's own Vitest CLI entry: tests run with the Vitest the repo pins, never ours. */
export function resolveVitestBin(root: string): VitestBin | undefined {
  try {
    const packageJson = createRequire(join(root, "package.json")).resolve("vitest/package.json");
    const pkg = JSON.parse(readFileSync(packageJson, "utf8")) as {
      version?: string;
      bin?: string | Record<string, string>;
    };
    const bin = typeof pkg.bin === "string" ? pkg.bin : (pkg.bin?.vitest ?? "vitest.mjs");
    const path = join(dirname(packageJson), bin);
    return existsSync(path) ? { path, version: pkg.version ?? "unknown" } : undefined;
  } catch {
    return undefined;
  }
}
