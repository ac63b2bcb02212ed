import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import semver from "semver";
import { relayProofError } from "../errors.ts";
import { interruptedDuring, throwIfInterrupted } from "../process/interrupted.ts";
import { makeTempDir } from "../process/temp-dir.ts";

export interface NodeToolchain {
  path: string;
  version: string;
  source: "current" | "flag" | "cache" | "provisioned";
  /** The target's `engines.node`, when it declares one. */
  engines: string | undefined;
  satisfies: boolean;
}

export interface ResolveNodeOptions {
  engines: string | undefined;
  /** `--node PATH`: used as given (a warning is the caller's job when it does not satisfy). */
  nodeFlag?: string;
  /** May relay-proof download a matching Node from the npm registry into its cache? */
  provision: boolean;
  onProgress?: (message: string) => void;
  /** Stops a download in flight; none starts once it is aborted. */
  signal?: AbortSignal;
}

/** OpenClaw's CI runs Node 24; prefer that line when the range allows it. */
const preferredMajor = 24;

export function cacheDir(): string {
  return (
    process.env.RELAY_PROOF_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "relay-proof")
  );
}

function satisfies(version: string, range: string | undefined): boolean {
  if (!range) return true;
  return semver.satisfies(version, range, { includePrerelease: false });
}

async function versionOf(path: string): Promise<string | undefined> {
  const { execa } = await import("execa");
  const result = await execa(path, ["--version"], { reject: false, timeout: 15_000, stdin: "ignore" });
  const out = String(result.stdout ?? "").trim();
  return result.exitCode === 0 && /^v\d+\.\d+\.\d+/.test(out) ? out : undefined;
}

function cachedNodes(): { version: string; path: string }[] {
  const dir = join(cacheDir(), "node");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => semver.valid(name))
    .map((name) => ({ version: name, path: join(dir, name, "bin", "node") }))
    .filter((entry) => existsSync(entry.path))
    .sort((x, y) => semver.rcompare(x.version, y.version));
}

export function pickVersion(available: string[], range: string): string | undefined {
  const matching = available.filter((v) => semver.valid(v) && satisfies(v, range));
  const preferred = matching.filter((v) => semver.major(v) === preferredMajor);
  return semver.maxSatisfying(preferred.length > 0 ? preferred : matching, "*") ?? undefined;
}

/** Download `node-<platform>-<arch>@version` from the npm registry into the cache. */
async function provisionNode(
  range: string,
  onProgress?: (message: string) => void,
  signal?: AbortSignal,
): Promise<NodeToolchain> {
  throwIfInterrupted(signal, "the Node download");
  const packageName = `node-${process.platform}-${process.arch}`;
  // Loaded here, off the start-up path: only provisioning needs it.
  const { execa } = await import("execa");
  const view = await execa("npm", ["view", `${packageName}@${range}`, "version", "--json"], {
    reject: false,
    timeout: 60_000,
    stdin: "ignore",
    ...(signal ? { cancelSignal: signal } : {}),
  });
  let versions: string[] = [];
  try {
    const parsed = JSON.parse(String(view.stdout || "[]")) as string | string[];
    versions = Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    versions = [];
  }
  const version = pickVersion(versions, range);
  if (!version) {
    throw relayProofError(
      "NODE_UNSATISFIED",
      `no ${packageName} on the npm registry satisfies engines.node "${range}"`,
      "pass --node PATH to a Node that satisfies it",
    );
  }
  throwIfInterrupted(signal, "the Node download");
  onProgress?.(`provisioning Node ${version} from the npm registry (${packageName})`);
  // Stage inside the cache so the final rename never crosses file systems.
  const staging = makeTempDir(".staging-", join(cacheDir(), "node"));
  try {
    const install = await execa(
      "npm",
      [
        "install",
        "--no-save",
        "--no-package-lock",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--prefix",
        staging.path,
        `${packageName}@${version}`,
      ],
      { reject: false, timeout: 10 * 60_000, stdin: "ignore", ...(signal ? { cancelSignal: signal } : {}) },
    );
    if (signal?.aborted) throw interruptedDuring("the Node download");
    const unpacked = join(staging.path, "node_modules", packageName);
    if (install.exitCode !== 0 || !existsSync(join(unpacked, "bin", "node"))) {
      throw relayProofError(
        "NODE_UNSATISFIED",
        `could not install ${packageName}@${version}: ${String(install.stderr).split("\n")[0] ?? ""}`,
        "check the npm registry is reachable, or pass --node PATH",
      );
    }
    const destination = join(cacheDir(), "node", version);
    rmSync(destination, { recursive: true, force: true });
    renameSync(unpacked, destination);
    const path = join(destination, "bin", "node");
    return { path, version: `v${version}`, source: "provisioned", engines: range, satisfies: true };
  } finally {
    staging.remove();
  }
}

/** Choose the Node that runs the target: --node, this Node, a cached one, or a provisioned one. */
export async function resolveNode(options: ResolveNodeOptions): Promise<NodeToolchain> {
  const { engines } = options;
  if (options.nodeFlag) {
    const version = await versionOf(options.nodeFlag);
    if (!version) {
      throw relayProofError(
        "USAGE",
        `--node ${options.nodeFlag} is not a runnable Node binary`,
        "pass --node PATH to a node executable",
      );
    }
    return {
      path: options.nodeFlag,
      version,
      source: "flag",
      engines,
      satisfies: satisfies(version, engines),
    };
  }
  if (satisfies(process.version, engines)) {
    return { path: process.execPath, version: process.version, source: "current", engines, satisfies: true };
  }
  const cached = cachedNodes().find((entry) => satisfies(entry.version, engines));
  if (cached)
    return { path: cached.path, version: `v${cached.version}`, source: "cache", engines, satisfies: true };
  if (!options.provision || !engines) {
    throw relayProofError(
      "NODE_UNSATISFIED",
      `the target needs Node ${engines} but this is Node ${process.version}`,
      "pass --node PATH to a matching Node, or drop --no-provision to fetch one from the npm registry",
    );
  }
  return provisionNode(engines, options.onProgress, options.signal);
}
