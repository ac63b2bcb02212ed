// `--receipt FILE [--sign-key KEY]` (run, compare, bisect, merge): after the result, a receipt of it,
// signed when a key is given. The flags are checked before any work, so a bad key leaves nothing.
import { existsSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve } from "node:path";
import { gitTopLevel } from "../checkout/git.ts";
import { relayProofError } from "../errors.ts";
import type { ProvenFlags } from "../receipt/flags.ts";
import { keyId, publicKeyFileFor, readPrivateKey } from "../receipt/keys.ts";
import { proofFilesOf } from "../receipt/proof-files.ts";
import { createReceipt, renderReceipt } from "../receipt/receipt.ts";
import { repoName } from "../receipt/repo-name.ts";
import { shellLine } from "../reports/markdown-text.ts";
import { printable } from "../result/sanitize.ts";
import type { Report } from "../result/types.ts";
import { relayProofVersion } from "../version.ts";

export const receiptFlags = {
  receipt: { type: "string" },
  "sign-key": { type: "string" },
} as const;

export interface ReceiptValues {
  receipt?: string;
  "sign-key"?: string;
  "json-out"?: string;
}

export interface ReceiptPlan {
  file: string;
  /** As the user wrote it, for the command that checks it. */
  shown: string;
  signer: { key: ReturnType<typeof readPrivateKey>; keyid: string } | undefined;
  publicKey: string | undefined;
}

/** `--receipt`/`--sign-key`, checked before any work: the key loads and the folder exists. */
export function planReceipt(values: ReceiptValues): ReceiptPlan | undefined {
  if (values["sign-key"] !== undefined && values.receipt === undefined) {
    throw relayProofError("USAGE", "--sign-key signs a receipt, and none is asked for", "add --receipt FILE");
  }
  if (values.receipt === undefined) return undefined;
  const file = resolve(values.receipt);
  if (!existsSync(dirname(file))) {
    throw relayProofError(
      "USAGE",
      `--receipt ${printable(values.receipt)}: the folder ${printable(dirname(file))} does not exist`,
      "create it first, or write the receipt elsewhere",
    );
  }
  const keyFile = values["sign-key"];
  const key = keyFile === undefined ? undefined : readPrivateKey(keyFile);
  return {
    file,
    shown: values.receipt,
    signer: key ? { key, keyid: keyId(key) } : undefined,
    publicKey: keyFile === undefined ? undefined : publicKeyFileFor(keyFile),
  };
}

const relative = (path: string) => (isAbsolute(path) ? basename(path) : path);

/** The command that checks the receipt (the Markdown report ends with it). */
export function verifyCommands(plan: ReceiptPlan | undefined): string[] {
  if (!plan) return [];
  const key = plan.publicKey ? ["--public-key", relative(plan.publicKey)] : [];
  return [shellLine(["relay-proof", "verify", relative(plan.shown), ...key, "--rerun"])];
}

/** The CI run that made the result, on GitHub Actions. */
function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.GITHUB_ACTIONS !== "true" || !env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined;
  return `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
}

/** Write the receipt of `report`: its statement (signed with --sign-key) and the result itself. */
export async function writeReceipt(
  report: Report,
  plan: ReceiptPlan | undefined,
  values: ReceiptValues,
  flags: ProvenFlags,
  repo: string,
): Promise<void> {
  if (!plan) return;
  const root = (await gitTopLevel(resolve(repo))) ?? resolve(repo);
  const { receipt } = createReceipt(report, {
    resultName: values["json-out"] ? basename(values["json-out"]) : "proof.json",
    repoName: await repoName(root),
    relayProofVersion: relayProofVersion(),
    flags,
    proofFiles: proofFilesOf(report, flags.proof),
    url: runUrl(),
    signer: plan.signer,
  });
  writeFileSync(plan.file, renderReceipt(receipt));
}
