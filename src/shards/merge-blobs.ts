import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { interruptedDuring, throwIfInterrupted } from "../process/interrupted.ts";
import { makeTempDir } from "../process/temp-dir.ts";
import { parseJsonReport, type ReportTotals } from "./json-report.ts";
import { runVitest, type VitestContext } from "./vitest-child.ts";

export interface BlobMerge {
  groups: ({ config: string | undefined; project: string | undefined; blobs: number } & ReportTotals)[];
  passed: number;
  failed: number;
  total: number;
  errors: string[];
}

/**
 * Merge the Vitest blob reports of several machines with Vitest's own `--merge-reports`, one
 * config+project group at a time (mixing configs in one merge loses tests), and total them.
 */
export async function mergeBlobs(
  context: VitestContext,
  blobDir: string,
  timeoutMs: number,
): Promise<BlobMerge> {
  const merge: BlobMerge = { groups: [], passed: 0, failed: 0, total: 0, errors: [] };
  const dir = resolve(blobDir);
  if (!existsSync(dir)) {
    merge.errors.push(`no blob reports in ${dir}`);
    return merge;
  }
  const scratch = makeTempDir("relay-proof-merge-");
  try {
    for (const name of readdirSync(dir).sort()) {
      throwIfInterrupted(context.signal, "the next blob merge");
      const groupDir = join(dir, name);
      if (!existsSync(join(groupDir, "group.json"))) continue;
      const group = JSON.parse(readFileSync(join(groupDir, "group.json"), "utf8")) as {
        config?: string;
        project?: string;
      };
      const blobs = readdirSync(groupDir).filter((file) => file.endsWith(".blob.json")).length;
      // --merge-reports reads every file in the folder: give it only the blobs.
      const only = join(scratch.path, name);
      for (const file of readdirSync(groupDir).filter((f) => f.endsWith(".blob.json"))) {
        mkdirSync(only, { recursive: true });
        copyFileSync(join(groupDir, file), join(only, file));
      }
      const out = join(scratch.path, `${name}.json`);
      const result = await runVitest(
        context,
        [
          "run",
          ...(group.config ? ["--config", group.config] : []),
          ...(group.project ? ["--project", group.project] : []),
          `--merge-reports=${only}`,
          "--reporter=json",
          `--outputFile=${out}`,
        ],
        { timeoutMs },
      );
      if (result.aborted) throw interruptedDuring("vitest --merge-reports");
      if (!existsSync(out)) {
        merge.errors.push(
          `vitest --merge-reports for ${name} wrote no report (exit ${String(result.exitCode)}): ${result.stderr.trim().split("\n").at(-1) ?? ""}`,
        );
        continue;
      }
      const totals = parseJsonReport(readFileSync(out, "utf8"), (file) => relative(context.root, file));
      merge.groups.push({ config: group.config, project: group.project, blobs, ...totals });
      merge.passed += totals.passed;
      merge.failed += totals.failed;
      merge.total += totals.total;
    }
  } finally {
    scratch.remove();
  }
  if (merge.groups.length === 0 && merge.errors.length === 0)
    merge.errors.push(`no blob report groups in ${dir}`);
  return merge;
}
