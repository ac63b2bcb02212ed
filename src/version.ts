import { existsSync, readFileSync } from "node:fs";

/** relay-proof's own version, from its package.json (src/ from source, dist/src/ when built). */
export function relayProofVersion(): string {
  for (const up of ["../package.json", "../../package.json"]) {
    const url = new URL(up, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "relay-proof" && pkg.version) return pkg.version;
  }
  return "unknown";
}
