// The check every stage makes before it starts: once the run's signal is aborted (Ctrl-C, SIGTERM,
// or a caller's own AbortController), no new worktree, install, build, child, shard or coverage step.
import { relayProofError } from "../errors.ts";

/** Throw INTERRUPTED when `signal` is aborted; `stage` names what would have started. */
export function throwIfInterrupted(signal: AbortSignal | undefined, stage: string): void {
  if (signal?.aborted) throw relayProofError("INTERRUPTED", `interrupted: ${stage} not started`);
}

/** After a stage whose child was stopped by the signal: the run stops here. */
export function interruptedDuring(stage: string) {
  return relayProofError("INTERRUPTED", `interrupted during ${stage}`);
}
