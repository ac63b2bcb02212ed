// A receipt: the DSSE envelope of the statement, and the result it names, in one file. The result's
// digest is of its --json-out bytes (renderJson), so the subject also matches that file.
import type { KeyObject } from "node:crypto";
import { renderJson } from "../reports/json.ts";
import type { Report } from "../result/types.ts";
import { type DsseEnvelope, envelope } from "./dsse.ts";
import { buildStatement, type Statement, type StatementInput, sha256Hex } from "./statement.ts";

export const receiptMediaType = "application/vnd.relay-proof.receipt.v1+json";

export interface Receipt {
  mediaType: typeof receiptMediaType;
  /** The statement, base64 in `payload`; `signatures` is empty for an unsigned receipt. */
  dsseEnvelope: DsseEnvelope;
  /** The result the statement's second subject names (sha256 of renderJson(result)). */
  result: Report;
}

export interface ReceiptOptions extends Omit<StatementInput, "result"> {
  /** The result file's name as a subject (the --json-out file's name). */
  resultName: string;
  signer?: { key: KeyObject; keyid: string };
}

/** The receipt of `report`, and the statement inside it. */
export function createReceipt(
  report: Report,
  options: ReceiptOptions,
): { receipt: Receipt; statement: Statement } {
  const { resultName, signer, ...input } = options;
  const statement = buildStatement(report, {
    ...input,
    result: { name: resultName, sha256: sha256Hex(renderJson(report)) },
  });
  const payload = Buffer.from(JSON.stringify(statement), "utf8");
  return {
    receipt: { mediaType: receiptMediaType, dsseEnvelope: envelope(payload, signer), result: report },
    statement,
  };
}

export function renderReceipt(receipt: Receipt): string {
  return `${JSON.stringify(receipt, null, 2)}\n`;
}
