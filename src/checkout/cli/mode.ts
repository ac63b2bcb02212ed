// `--build-mode`: which CLI the hook commands run when the checkout has no build of this commit
// (issue 17). `full` is the repo's build as `--build` always ran it; `dev` is the same build with the
// flag the repo's own dev runner passes to build less (no type declarations); `source` builds nothing
// and runs the CLI's TypeScript entry through the checkout's tsx, which is not the shipped bundle
// (source.ts). docs/hook-command.md, _Build modes_.
import { relayProofError } from "../../errors.ts";

export const buildModes = ["dev", "full", "source"] as const;
export type BuildMode = (typeof buildModes)[number];

/** The fastest honest mode measured on a real checkout (docs/benchmark.md, _The command path_). */
export const defaultBuildMode: BuildMode = "dev";

/** `--build-mode VALUE` as given on the command line, or a one-line usage error. */
export function parseBuildMode(value: string, command: string): BuildMode {
  if ((buildModes as readonly string[]).includes(value)) return value as BuildMode;
  throw relayProofError(
    "USAGE",
    `--build-mode must be one of ${buildModes.join(", ")}, got "${value}"`,
    `see relay-proof ${command} --help`,
  );
}
