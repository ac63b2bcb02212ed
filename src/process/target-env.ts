// The environment of processes that run the target's code (a PR head in CI is untrusted): an
// allowlist, so the caller's tokens and cloud credentials never reach it. Issue 12, part 1.

import { relayProofError } from "../errors.ts";

/** Passed through when set: what any program needs to run, reach a proxy and trust a CA, and nothing else. */
export const passedNames: readonly string[] = [
  "PATH",
  "LANG",
  "LANGUAGE",
  "TZ",
  "CI",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
];

/** Locale variables (`LC_ALL`, `LC_CTYPE`, ...). */
const passedPrefixes: readonly string[] = ["LC_"];

/** Package-manager settings a dependency install needs (registry, store, cache); no auth tokens. */
const installPrefixes: readonly string[] = ["npm_config_", "NPM_CONFIG_", "pnpm_config_", "COREPACK_"];
const installNames: readonly string[] = [
  "HOME",
  "PNPM_HOME",
  "XDG_CACHE_HOME",
  "XDG_DATA_HOME",
  "XDG_CONFIG_HOME",
];

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Check `--pass-env` names: a usage error names the bad one. */
export function checkPassEnv(names: readonly string[] | undefined): string[] {
  const list = [...new Set(names ?? [])];
  for (const name of list) {
    if (!envName.test(name)) {
      throw relayProofError(
        "USAGE",
        `--pass-env needs an environment variable name, got "${name}"`,
        "give one name per flag, e.g. --pass-env OPENAI_BASE_URL",
      );
    }
  }
  return list;
}

function isPassed(name: string, extraNames: readonly string[], extraPrefixes: readonly string[]): boolean {
  return (
    passedNames.includes(name) ||
    extraNames.includes(name) ||
    passedPrefixes.some((prefix) => name.startsWith(prefix)) ||
    extraPrefixes.some((prefix) => name.startsWith(prefix))
  );
}

export interface TargetEnvOptions {
  /** `--pass-env NAME`: further variables the caller chose to give the target. */
  passEnv?: readonly string[];
  /** What relay-proof sets itself (private HOME/TMPDIR/XDG dirs, colour, tsconfig, ...); wins over all. */
  set?: NodeJS.ProcessEnv;
  /** The caller's environment (default: this process's). */
  base?: NodeJS.ProcessEnv;
}

/** The environment a process running target code gets: the allowlist, `--pass-env` names, then `set`. */
export function targetEnv(options: TargetEnvOptions = {}): NodeJS.ProcessEnv {
  return pick(options, options.passEnv ?? [], []);
}

/**
 * The environment of a dependency install in a worktree: the allowlist plus the package manager's own
 * settings and the real HOME (its store and `.npmrc`), with `--ignore-scripts` so no target code runs.
 */
export function installEnv(options: TargetEnvOptions = {}): NodeJS.ProcessEnv {
  return pick(options, [...installNames, ...(options.passEnv ?? [])], installPrefixes);
}

function pick(
  options: TargetEnvOptions,
  extraNames: readonly string[],
  extraPrefixes: readonly string[],
): NodeJS.ProcessEnv {
  const base = options.base ?? process.env;
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && isPassed(name, extraNames, extraPrefixes)) env[name] = value;
  }
  for (const [name, value] of Object.entries(options.set ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}
