import { existsSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { relayProofError } from "../errors.ts";
import type { ProofDefinition } from "./definition.ts";
import { siblingModule } from "./sibling.ts";

export interface LoadedDefinition {
  definition: ProofDefinition;
  /** URL the scenario child imports. */
  url: string;
}

function proofFile(id: string): string {
  return siblingModule(import.meta.url, `../../proofs/${id}`);
}

/** Proof ids available in proofs/ (one file each). */
export function listProofs(): string[] {
  const dir = dirname(proofFile("x"));
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.(ts|js)$/.test(name) && !name.endsWith(".d.ts"))
    .map((name) => name.replace(/\.(ts|js)$/, ""))
    .sort();
}

export async function loadDefinition(id: string): Promise<LoadedDefinition> {
  const file = proofFile(id);
  if (!/^[a-z0-9-]+$/.test(id) || !existsSync(file)) {
    throw relayProofError(
      "UNKNOWN_PROOF",
      `unknown proof "${id}"`,
      `choose one of: ${listProofs().join(", ")}`,
    );
  }
  const url = pathToFileURL(file).href;
  const module = (await import(url)) as { default?: ProofDefinition };
  if (!module.default || typeof module.default.scenario !== "function") {
    throw relayProofError("INTERNAL", `proofs/${id} does not export a proof definition`);
  }
  return { definition: module.default, url };
}
