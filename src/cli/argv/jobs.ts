import { relayProofError } from "../../errors.ts";

/** `--jobs N`: a whole number of processes to run side by side, at least 1; undefined when not given. */
export function jobsFlag(value: string | undefined, command: string): number | undefined {
  if (value === undefined) return undefined;
  const jobs = Number(value);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw relayProofError(
      "USAGE",
      `--jobs must be a whole number of at least 1, got "${value}"`,
      `see relay-proof ${command} --help`,
    );
  }
  return jobs;
}
