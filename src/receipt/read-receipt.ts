// Reading a receipt (`relay-proof verify`): any file at all. A receipt of this media type whose
// envelope, statement and embedded result all have their shapes, or a usage error (exit 2) in one
// printable line. Whether it is *true* is verify's business; this only says it can be read.
import { readFileSync } from "node:fs";
import { relayProofError } from "../errors.ts";
import { renderJson } from "../reports/json.ts";
import { resultProblem } from "../result/read-result.ts";
import { printable } from "../result/sanitize.ts";
import { type Report, resultSchema } from "../result/types.ts";
import { type DsseEnvelope, inTotoPayloadType, strictBase64 } from "./dsse.ts";
import { type Receipt, receiptMediaType } from "./receipt.ts";
import { statementProblem } from "./shape.ts";
import { type Statement, sha256Hex } from "./statement.ts";

export interface ReadReceipt {
  envelope: DsseEnvelope;
  statement: Statement;
  /** The result to check: the one embedded, or `--result FILE`. */
  result: Report;
  /** The sha256 of the result's bytes (the file's, or the embedded result's as --json-out writes it). */
  resultSha256: string;
  /** Where the result came from, for the report: `the embedded result` or the file. */
  resultSource: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function readJson(file: string, what: string, hint: string): { bytes: Buffer; value: unknown } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw relayProofError(
      "USAGE",
      `cannot read ${what} ${printable(file)}: ${printable((error as Error).message)}`,
      hint,
    );
  }
  try {
    return { bytes, value: JSON.parse(bytes.toString("utf8")) };
  } catch (error) {
    throw relayProofError(
      "USAGE",
      `${what} ${printable(file)} is not JSON: ${printable((error as Error).message.split("\n")[0] ?? "")}`,
      hint,
    );
  }
}

function envelopeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "dsseEnvelope is not an object";
  if (value.payloadType !== inTotoPayloadType) return `dsseEnvelope.payloadType is not ${inTotoPayloadType}`;
  if (typeof value.payload !== "string" || !strictBase64(value.payload))
    return "dsseEnvelope.payload is not base64";
  if (!Array.isArray(value.signatures)) return "dsseEnvelope.signatures is not a list";
  for (const [i, signature] of value.signatures.entries()) {
    if (!isObject(signature) || typeof signature.keyid !== "string" || typeof signature.sig !== "string")
      return `dsseEnvelope.signatures[${i}] is not { keyid, sig }`;
    if (!strictBase64(signature.sig)) return `dsseEnvelope.signatures[${i}].sig is not base64`;
  }
  return undefined;
}

function resultOf(value: unknown, where: string, hint: string): Report {
  if (!isObject(value) || value.schema !== resultSchema)
    throw relayProofError("USAGE", `${where} is not a relay-proof result (schema ${resultSchema})`, hint);
  const problem = resultProblem(value);
  if (problem)
    throw relayProofError(
      "USAGE",
      `${where} is not a complete relay-proof result: ${printable(problem)}`,
      hint,
    );
  return value as unknown as Report;
}

/** Read the receipt `file` (and `resultFile` instead of the embedded result, when given). */
export function readReceipt(file: string, resultFile?: string): ReadReceipt {
  const hint = "pass the file relay-proof run --receipt FILE wrote";
  const shown = printable(file);
  const { value } = readJson(file, "receipt", hint);
  if (!isObject(value) || value.mediaType !== receiptMediaType)
    throw relayProofError(
      "USAGE",
      `${shown} is not a relay-proof receipt (mediaType ${receiptMediaType})`,
      hint,
    );
  const problem = envelopeProblem(value.dsseEnvelope);
  if (problem) throw relayProofError("USAGE", `${shown}: ${problem}`, hint);
  const envelope = value.dsseEnvelope as unknown as DsseEnvelope;
  let statement: unknown;
  try {
    statement = JSON.parse((strictBase64(envelope.payload) as Buffer).toString("utf8"));
  } catch {
    throw relayProofError("USAGE", `${shown}: the envelope's payload is not a JSON statement`, hint);
  }
  const shape = statementProblem(statement);
  if (shape) throw relayProofError("USAGE", `${shown}: ${printable(shape)}`, hint);
  if (resultFile !== undefined) {
    const resultHint = "pass the proof.json the receipt names (--json-out)";
    const read = readJson(resultFile, "result", resultHint);
    return {
      envelope,
      statement: statement as Statement,
      result: resultOf(read.value, `result ${printable(resultFile)}`, resultHint),
      resultSha256: sha256Hex(read.bytes),
      resultSource: printable(resultFile),
    };
  }
  const result = resultOf((value as Partial<Receipt>).result, `${shown}: the embedded result`, hint);
  return {
    envelope,
    statement: statement as Statement,
    result,
    resultSha256: sha256Hex(renderJson(result)),
    resultSource: "the embedded result",
  };
}
