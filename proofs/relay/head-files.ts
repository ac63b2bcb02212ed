// What the head writes outside the run's private dirs, kept in them. An OpenClaw-family head logs to
// `/tmp/<brand>/<brand>-<date>.log` whatever TMPDIR says (its preferred temp dir is fixed), so a proof
// appended its census warnings to the user's own gateway log and left the file behind. Before any of
// the head's code loads, the child points the head at a private config (`<PREFIX>_CONFIG_PATH`, which
// its logger, its gateway and its hook commands read; the commands inherit the child's environment)
// whose `logging.file` lies in the child's TMPDIR; at teardown a `/tmp/<brand>` that this run created
// goes again, with the head's log files in it.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ScenarioContext } from "../../src/scenario/definition.ts";

/** Where heads read the gateway client's URL and token variables (and so their env prefix). */
const clientSources = [
  "src/gateway/call.ts",
  "src/gateway/credentials.ts",
  "src/cli/native-hook-relay-cli.ts",
];

/** The `bin` names and the name of the checkout's package.json (`daisyclaw`, ...). */
export function packageNames(root: string): string[] {
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      name?: string;
      bin?: Record<string, string> | string;
    };
    const bins = typeof pkg.bin === "object" && pkg.bin ? Object.keys(pkg.bin) : [];
    return [...bins, pkg.name ?? ""].filter(Boolean);
  } catch {
    return [];
  }
}

/** The head's env prefix (`DAISYCLAW` of `DAISYCLAW_GATEWAY_TOKEN`), from its source, else its brand. */
export function envPrefix(ctx: ScenarioContext, brands: readonly string[]): string {
  for (const path of clientSources) {
    const file = ctx.find(path);
    if (!file) continue;
    const source = readFileSync(file, "utf8");
    const match = /\b([A-Z][A-Z0-9]*)_GATEWAY_TOKEN\b/.exec(source);
    if (match?.[1]) return match[1];
  }
  return (brands[0] ?? "openclaw").toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

export interface HeadConfig {
  /** The env prefix the head reads its variables with. */
  prefix: string;
  /** The private config file (`<PREFIX>_CONFIG_PATH`), or undefined when the caller set its own. */
  path: string | undefined;
  /** Add settings to the private config (the gateway's `plugins.enabled: false`). */
  merge(settings: Record<string, unknown>): void;
}

/** Point the head's config and logs into the child's TMPDIR; call before any of the head's code loads. */
export function keepHeadFilesPrivate(ctx: ScenarioContext, tmpRoot = "/tmp"): HeadConfig {
  const prefix = envPrefix(ctx, packageNames(ctx.repoRoot));
  const brand = prefix.toLowerCase();
  const variable = `${prefix}_CONFIG_PATH`;
  const sharedDir = join(tmpRoot, brand);
  const sharedDirWasThere = existsSync(sharedDir);
  ctx.onTeardown(() => {
    if (sharedDirWasThere || !existsSync(sharedDir)) return;
    try {
      for (const name of readdirSync(sharedDir)) {
        if (name.startsWith(`${brand}-`) && name.endsWith(".log"))
          rmSync(join(sharedDir, name), { force: true });
      }
      rmdirSync(sharedDir);
    } catch {
      // another process's files are there: the dir stays
    }
  });
  // A config passed on by the user (--pass-env) is theirs to keep.
  if (process.env[variable]) return { prefix, path: undefined, merge: () => {} };
  const dir = join(ctx.tmpDir, "head-config");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${brand}.json`);
  let settings: Record<string, unknown> = { logging: { file: join(dir, `${brand}.log`) } };
  const write = () => writeFileSync(path, `${JSON.stringify(settings)}\n`);
  write();
  process.env[variable] = path;
  return {
    prefix,
    path,
    merge(more) {
      settings = { ...settings, ...more };
      write();
    },
  };
}
