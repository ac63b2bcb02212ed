import type { Variant } from "../../fixtures/build-fixture-repo.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import type { ProofResult } from "../../src/result/types.ts";
import { fixtureRepo } from "./fixture-repo.ts";

/** A real result from a fixture run, with tests when asked. */
export async function sampleResult(variant: Variant, tests = false): Promise<ProofResult> {
  const repo = fixtureRepo({ variant });
  return runProof({ repo: repo.root, tests: tests ? { shards: 2 } : false, command: ["relay-proof", "run"] });
}

/** Replace what changes between machines and runs (SHAs, paths, versions, times) before a snapshot. */
export function normalize(text: string, result: ProofResult): string {
  return text
    .replaceAll(result.target.head, "<sha>")
    .replaceAll(result.target.root, "<repo>")
    .replaceAll(result.environment.os, "<os>")
    .replaceAll(process.version, "<node>")
    .replaceAll(`(${process.arch})`, "(<arch>)")
    .replace(/\btsx=\d+\.\d+\.\d+/g, "tsx=<version>")
    .replace(/time="[\d.]+"/g, 'time="<t>"')
    .replace(/^ {2}slowest .*$/m, "  slowest <stages>")
    .replace(/\b\d+ ms to start\)/g, "<t> ms to start)")
    .replace(/\(exit (\d+), [\d.]+ s\)/g, "(exit $1, <t> s)")
    .replace(/\d+\.\d s\)/g, "<t> s)")
    .replace(/\bran \d+\.\d s/g, "ran <t> s")
    .replace(/relay-proof-[A-Za-z0-9-]+/g, "relay-proof-<tmp>");
}
