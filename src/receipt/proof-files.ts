// The proof files a result ran, each with its content's sha256: a receipt names them so a verifier
// can tell that the proof it has is the proof that ran.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Report } from "../result/types.ts";
import { fileSha256, isProofPath } from "../scenario/load-definition.ts";

export interface ProofFile {
  id: string;
  /** `relay-proof`: proofs/<id>.ts of relay-proof itself; `file`: a `--proof FILE`. */
  source: "relay-proof" | "file";
  /** proofs/<id>.ts, or the file's path relative to the repo root (else as it was given). */
  path: string;
  sha256: string;
}

/**
 * relay-proof's own proofs/<id>.ts (the TypeScript source ships in the package, from source and from
 * dist alike, so both hash the same bytes); undefined when relay-proof has no such proof.
 */
export function ownProofFile(id: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(id)) return undefined;
  for (const up of ["../../proofs/", "../../../proofs/"]) {
    const file = fileURLToPath(new URL(`${up}${id}.ts`, import.meta.url));
    if (existsSync(file)) return file;
  }
  return undefined;
}

type ProofRecord = { id: string; file?: string; fileSha256?: string; fileInRepo?: string };

function recordsOf(report: Report): ProofRecord[] {
  if (report.kind === "compare") return recordsOf(report.head);
  if (report.kind === "bisect") return [report.proof];
  return report.proofs ? report.proofs.map((outcome) => outcome.proof) : [report.proof];
}

/** Each proof the result ran with its file and hash; `specs` (what --proof said) finds bisect's file. */
export function proofFilesOf(report: Report, specs: readonly string[], cwd = process.cwd()): ProofFile[] {
  const files = specs.filter(isProofPath).map((spec) => resolve(cwd, spec));
  return recordsOf(report).map((record): ProofFile => {
    if (record.fileSha256) {
      return {
        id: record.id,
        source: "file",
        path: record.fileInRepo ?? record.file ?? record.id,
        sha256: record.fileSha256,
      };
    }
    const own = record.file ? undefined : ownProofFile(record.id);
    if (own)
      return {
        id: record.id,
        source: "relay-proof",
        path: `proofs/${record.id}.ts`,
        sha256: fileSha256(own),
      };
    const file = record.file ?? (files.length === 1 ? files[0] : undefined);
    if (file && existsSync(file))
      return { id: record.id, source: "file", path: file, sha256: fileSha256(file) };
    return { id: record.id, source: "file", path: file ?? record.id, sha256: "" };
  });
}
