// The relay's two module instances and a registration's handle, as the proof's callers (relay.ts, the
// Codex extension's caller) meet them.
import type { Fn, Instance } from "./capture.ts";

export interface RelayInstance {
  name: string;
  module: Instance;
  register: Fn;
  invoke: Fn;
  /** The out-of-process bridge client (V3: from its own module), if the head has one. */
  bridge: Fn | undefined;
  /** An export, or a helper of `testing` (alias `__testing`; V1 has only `__testing`). */
  fn(name: string): Fn | undefined;
}

export interface Handle {
  relayId?: unknown;
  generation?: unknown;
  commandForEvent?: (event: string) => unknown;
  renew?: (ttlMs?: number) => unknown;
  unregister?: () => unknown;
  /** The split layout: settles once the registration's bridge is listening and recorded. */
  ready?: unknown;
}
