import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

export interface TsxLoader {
  /** File URL for `node --import`. */
  url: string;
  version: string;
  source: "target" | "relay-proof";
}

function loaderFrom(packageJsonPath: string, source: TsxLoader["source"]): TsxLoader | undefined {
  if (!existsSync(packageJsonPath)) return undefined;
  const pkg = JSON.parse(readFileSync(packageJsonPath, "utf8")) as {
    version?: string;
    exports?: Record<string, unknown>;
  };
  const entry = pkg.exports?.["."];
  const relative =
    typeof entry === "string"
      ? entry
      : typeof (entry as { import?: unknown } | undefined)?.import === "string"
        ? (entry as { import: string }).import
        : "./dist/loader.mjs";
  const file = join(dirname(packageJsonPath), relative);
  if (!existsSync(file)) return undefined;
  return { url: pathToFileURL(file).href, version: pkg.version ?? "unknown", source };
}

/** The target's own tsx when it has one (its compile settings are the ones its code expects), else ours. */
export function resolveTsxLoader(root: string): TsxLoader {
  try {
    const requireFromTarget = createRequire(join(root, "package.json"));
    const found = loaderFrom(requireFromTarget.resolve("tsx/package.json"), "target");
    if (found) return found;
  } catch {
    // no tsx in the target
  }
  const ours = loaderFrom(createRequire(import.meta.url).resolve("tsx/package.json"), "relay-proof");
  if (!ours) throw new Error("relay-proof's own tsx is missing; run npm ci in the relay-proof checkout");
  return ours;
}
