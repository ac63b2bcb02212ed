import { type ParseArgsConfig, parseArgs } from "node:util";
import { type BuildMode, parseBuildMode } from "../checkout/cli/mode.ts";
import { relayProofError } from "../errors.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs, with its errors turned into one-line usage errors that name the fix. */
export function parseFlags<T extends Options>(command: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true, allowNegative: true });
  } catch (error) {
    const message =
      (error as Error).message.split("\n")[0]?.replace(/\. To specify a positional.*$/, "") ??
      "bad arguments";
    throw relayProofError("USAGE", message, `see relay-proof ${command} --help`);
  }
}

/** `--pass-env NAME` (repeatable): the flag every command that runs target code takes. */
export const passEnvFlag = { "pass-env": { type: "string", multiple: true } } as const;

/** The hook command's CLI: `--build [--build-mode MODE]` (the repo's own build, cached per tree) or `--cli PATH`. */
export const hookCliFlags = {
  build: { type: "boolean", default: false },
  "build-mode": { type: "string" },
  cli: { type: "string" },
  "command-timeout": { type: "string" },
} as const;

/** `--build`, `--build-mode` (which implies --build) and `--cli`, checked against each other. */
export function hookCliOptions(
  values: { build?: boolean; "build-mode"?: string; cli?: string },
  command: string,
): { build: boolean; buildMode: BuildMode | undefined; cli: string | undefined } {
  const buildMode =
    values["build-mode"] === undefined ? undefined : parseBuildMode(values["build-mode"], command);
  if (values.cli !== undefined && (values.build || buildMode)) {
    throw relayProofError(
      "USAGE",
      `--cli and ${buildMode ? "--build-mode" : "--build"} contradict each other`,
      "use --cli PATH for a CLI you built, or --build to let relay-proof build it",
    );
  }
  return { build: values.build === true || buildMode !== undefined, buildMode, cli: values.cli };
}

export function positiveSeconds(
  flag: string,
  value: string | undefined,
  command: string,
): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw relayProofError(
      "USAGE",
      `${flag} must be a positive number of seconds, got "${value}"`,
      `see relay-proof ${command} --help`,
    );
  }
  return seconds * 1000;
}

export function noPositionals(command: string, positionals: string[]): void {
  if (positionals.length > 0) {
    throw relayProofError(
      "USAGE",
      `unexpected argument "${positionals[0]}"`,
      `see relay-proof ${command} --help`,
    );
  }
}
