// One piece of relay state, checked by behaviour: what A and B do shows whether they share it.
import type { ScenarioContext } from "../../../src/scenario/definition.ts";
import type { Approvals } from "../approvals.ts";
import { type Captured, capture } from "../capture.ts";
import type { HookRunner } from "../hook-runner.ts";
import { invokeParams, type Registered, type Relay, type RelayInstance } from "../relay.ts";

/**
 * `yes`/`no` by what was seen; `cannot-drive`: this proof has no way into the piece on this head's API
 * (nothing was tested, so neither shared nor not); `absent`: the head lacks the piece.
 */
export interface PieceResult {
  state: "yes" | "no" | "cannot-drive" | "absent";
  seen: string;
}

export const yes = (seen: string): PieceResult => ({ state: "yes", seen });
export const no = (seen: string): PieceResult => ({ state: "no", seen });
export const cannotDrive = (seen: string): PieceResult => ({ state: "cannot-drive", seen });
export const absent = (seen: string): PieceResult => ({ state: "absent", seen });

export interface CensusKit {
  ctx: ScenarioContext;
  relay: Relay;
  approvals: Approvals | { missing: string };
  hookRunner(): Promise<HookRunner | { missing: string }>;
  /** Invoke `registered`'s relay through `via`, with its generation when it has one. */
  invoke(via: RelayInstance, registered: Registered, event: string, payload: unknown): Promise<Captured>;
}

export interface Piece {
  /** The proof line key after `shared.`. */
  key: string;
  observe(kit: CensusKit, registered: Registered): Promise<PieceResult>;
}

export function invokeThrough(
  via: RelayInstance,
  registered: Registered,
  event: string,
  payload: unknown,
): Promise<Captured> {
  return capture(() => via.invoke(invokeParams(registered.relayId, registered.generation, event, payload)));
}

/** B failed to reach A's registration at all: the registrations themselves are not shared. */
export function unreachable(result: Captured): PieceResult | undefined {
  return result.ok ? undefined : no(`B could not reach A's relay: ${result.error}`);
}
