// npm run bench: what the shared-state census adds to a run (goal: at most 1 s on a real checkout),
// the default proof against the same proof without it, side by side.
import { join } from "node:path";
import { figures, seconds, sideBySide } from "./measure.ts";

export interface CensusFigures {
  withMs: number;
  withoutMs: number;
  addedMs: number;
  met: boolean;
  exitCodes: (number | null)[];
}

export function censusFigures(options: {
  projectRoot: string;
  bin: string;
  repo: string;
  runs: number;
}): CensusFigures {
  const run = [process.execPath, options.bin, "run", "--repo", options.repo, "--no-tests", "--quiet"];
  const withoutCensus = join(options.projectRoot, "scripts", "bench", "proof-without-census.ts");
  const row = figures(
    sideBySide(
      "census: run --no-tests vs the same proof without the census",
      { argv: run, cwd: options.repo },
      { argv: [...run, "--proof", withoutCensus], cwd: options.repo },
      options.runs,
    ),
  );
  const addedMs = row.toolMs - row.baselineMs;
  return {
    withMs: row.toolMs,
    withoutMs: row.baselineMs,
    addedMs,
    met: addedMs <= 1000,
    exitCodes: row.exitCodes,
  };
}

export function printCensus(census: CensusFigures): void {
  console.log(
    `\nshared-state census: run --no-tests ${seconds(census.withMs)}, without the census ${seconds(census.withoutMs)}: ` +
      `adds ${seconds(census.addedMs)} (goal <= 1 s: ${census.met ? "met" : "MISSED"}; exit codes ${census.exitCodes.join(", ")})`,
  );
}
