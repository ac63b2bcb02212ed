// Property-based: a signed receipt changed by one byte anywhere (a field of the receipt, of its
// envelope, of the statement inside it, or of the embedded result) never verifies. verify answers
// with exit 1 and a line naming what failed, or with a usage error (exit 2) in one printable line,
// and leaves nothing behind.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtureRepo, type FixtureRepo } from "../../fixtures/build-fixture-repo.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { verifyReceipt } from "../../src/engine/verify.ts";
import { isRelayProofError } from "../../src/errors.ts";
import { provenFlags } from "../../src/receipt/flags.ts";
import { keyId, readPrivateKey, writeKeyPair } from "../../src/receipt/keys.ts";
import { proofFilesOf } from "../../src/receipt/proof-files.ts";
import { createReceipt, renderReceipt } from "../../src/receipt/receipt.ts";
import { tempDir } from "../helpers/fixture-repo.ts";

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const printableLine = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/u;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every leaf of a JSON value, as a path. */
function leaves(value: Json, path: Path = []): Path[] {
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([key, item]) =>
      leaves(item as Json, [...path, Array.isArray(value) ? Number(key) : key]),
    );
  return [path];
}

/** The value changed by one byte: a character of a string, a digit of a number, a flipped boolean. */
function changed(value: Json, at: number, by: number): Json {
  if (typeof value === "string") {
    if (value.length === 0) return String.fromCharCode(97 + (by % 26));
    const i = at % value.length;
    const code = value.charCodeAt(i);
    const next = 32 + ((code - 32 + 1 + (by % 94)) % 95);
    return value.slice(0, i) + String.fromCharCode(next === code ? next + 1 : next) + value.slice(i + 1);
  }
  if (typeof value === "number") return value + 1 + (by % 9);
  if (typeof value === "boolean") return !value;
  return by % 2 === 0 ? 0 : "x";
}

function withLeaf(root: Json, path: Path, update: (value: Json) => Json): Json {
  const copy = structuredClone(root);
  let parent = copy as Record<string | number, Json>;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, Json>;
  const last = path.at(-1) as string | number;
  parent[last] = update(parent[last] as Json);
  return copy;
}

let repo: FixtureRepo;
let dir: string;
let receipt: Json;
let publicKey: string;

beforeAll(async () => {
  repo = createFixtureRepo({ variant: "v2-correct" });
  const result = await runProof({ repo: repo.root, tests: false, command: ["relay-proof", "run"] });
  dir = mkdtempSync(join(tmpdir(), "relay-proof-verify-"));
  const pair = writeKeyPair(join(dir, "k"));
  publicKey = pair.publicKey;
  const key = readPrivateKey(pair.privateKey);
  const flags = provenFlags({ tests: false });
  receipt = JSON.parse(
    renderReceipt(
      createReceipt(result, {
        resultName: "proof.json",
        repoName: repo.root,
        relayProofVersion: "0.1.0",
        flags,
        proofFiles: proofFilesOf(result, flags.proof),
        signer: { key, keyid: keyId(key) },
      }).receipt,
    ),
  ) as Json;
});
afterAll(() => {
  repo?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function verdictOf(file: string): Promise<{ exitCode: number; line: string }> {
  try {
    const result = await verifyReceipt({ receipt: file, repo: repo.root, publicKey });
    const failed = result.lines.find((line) => line.ok === false);
    return { exitCode: result.exitCode, line: failed ? `${failed.check}: ${failed.text}` : "" };
  } catch (error) {
    expect(isRelayProofError(error), String((error as Error)?.stack)).toBe(true);
    expect((error as { code: string }).code).not.toBe("INTERNAL");
    const { message, hint } = error as { message: string; hint?: string };
    return { exitCode: 2, line: `${message}${hint ? ` (${hint})` : ""}` };
  }
}

describe("verify on damaged receipts (property)", () => {
  it("verifies the receipt as written", async () => {
    const file = join(tempDir(), "receipt.json");
    writeFileSync(file, `${JSON.stringify(receipt, null, 2)}\n`);
    expect(await verdictOf(file)).toEqual({ exitCode: 0, line: "" });
  });

  it("catches every one-byte change of the receipt, its envelope, the statement and the result", async () => {
    const root = receipt as { [key: string]: Json };
    const envelope = root.dsseEnvelope as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8")) as Json;
    const receiptLeaves = leaves(receipt);
    const statementLeaves = leaves(statement);
    const out = tempDir();
    const file = join(out, "receipt.json");
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.nat(), fc.nat(), fc.nat(), async (inStatement, which, at, by) => {
        let damaged: Json;
        if (inStatement) {
          const path = statementLeaves[which % statementLeaves.length] as Path;
          const payload = Buffer.from(
            JSON.stringify(withLeaf(statement, path, (v) => changed(v, at, by))),
          ).toString("base64");
          damaged = withLeaf(receipt, ["dsseEnvelope", "payload"], () => payload);
        } else {
          const path = receiptLeaves[which % receiptLeaves.length] as Path;
          damaged = withLeaf(receipt, path, (v) => changed(v, at, by));
        }
        writeFileSync(file, `${JSON.stringify(damaged, null, 2)}\n`);
        const { exitCode, line } = await verdictOf(file);
        expect([1, 2]).toContain(exitCode);
        expect(line).not.toBe("");
        expect(line).toMatch(printableLine);
        expect(readdirSync(out)).toEqual(["receipt.json"]);
      }),
      { numRuns: 150 },
    );
    expect(readFileSync(join(dir, "k.pub"), "utf8")).toMatch(/BEGIN PUBLIC KEY/);
  }, 60_000);
});
