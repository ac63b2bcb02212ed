// The checks `relay-proof verify` makes without running anything: each gives one line, ok or not,
// naming what it compared. A receipt that cannot be read never gets here (read-receipt.ts, exit 2).
import { existsSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { git } from "../checkout/git.ts";
import { signatureValid } from "../receipt/dsse.ts";
import type { ProvenFlags } from "../receipt/flags.ts";
import { keyId, readPublicKey } from "../receipt/keys.ts";
import { ownProofFile, type ProofFile } from "../receipt/proof-files.ts";
import type { ReadReceipt } from "../receipt/read-receipt.ts";
import {
  buildStatement,
  canonicalJson,
  commitsOf,
  type ResourceDescriptor,
  type Statement,
  sha256Hex,
} from "../receipt/statement.ts";
import { headValue, proofLine } from "../result/proof-lines.ts";
import { printable } from "../result/sanitize.ts";
import type { ProofResult, Report } from "../result/types.ts";
import { fileSha256 } from "../scenario/load-definition.ts";

export interface VerifyLine {
  check: string;
  /** true: holds; false: does not (verification fails); undefined: not checked (and says why). */
  ok: boolean | undefined;
  text: string;
}

const short = (hex: string) => hex.slice(0, 12);
const shown = (value: unknown) =>
  printable(typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined"), 120);

function configuration(statement: Statement, name: string): ResourceDescriptor | undefined {
  return statement.predicate.configuration.find((item) => item.name === name);
}

/** The flags the receipt recorded (the `flags` descriptor's annotations). */
export function recordedFlags(statement: Statement): ProvenFlags {
  return (configuration(statement, "flags")?.annotations ?? {
    proof: [],
    build: false,
    tests: true,
    passEnv: [],
  }) as unknown as ProvenFlags;
}

/** The proof files the receipt recorded (`proof:<id>` descriptors). */
export function recordedProofFiles(statement: Statement): ProofFile[] {
  return statement.predicate.configuration
    .filter((item) => item.name?.startsWith("proof:"))
    .map((item) => {
      const annotations = (item.annotations ?? {}) as Record<string, unknown>;
      return {
        id: String(annotations.id ?? item.name?.slice("proof:".length)),
        source: annotations.source === "relay-proof" ? "relay-proof" : "file",
        path: String(annotations.path ?? item.uri ?? ""),
        sha256: item.digest?.sha256 ?? "",
      };
    });
}

function resultSubject(statement: Statement): ResourceDescriptor | undefined {
  return statement.subject.find(
    (item) => item.digest?.sha256 !== undefined && item.digest.gitCommit === undefined,
  );
}

/** The result's bytes hash to the receipt's result subject. */
export function checkResultDigest(read: ReadReceipt): VerifyLine {
  const subject = resultSubject(read.statement);
  const recorded = subject?.digest?.sha256;
  if (!recorded)
    return { check: "result-digest", ok: false, text: "the receipt names no result (no sha256 subject)" };
  if (recorded === read.resultSha256) {
    return {
      check: "result-digest",
      ok: true,
      text: `sha256 ${short(recorded)} of ${read.resultSource} is the receipt's subject ${shown(subject?.name)}`,
    };
  }
  return {
    check: "result-digest",
    ok: false,
    text: `sha256 ${short(read.resultSha256)} of ${read.resultSource} is not the receipt's ${short(recorded)} (${shown(subject?.name)}): the result was changed`,
  };
}

/** The envelope carries a valid Ed25519 signature by the key given (its keyid first). */
export function checkSignature(read: ReadReceipt, publicKeyFile: string | undefined): VerifyLine {
  const signatures = read.envelope.signatures;
  if (publicKeyFile === undefined) {
    const ids = signatures.map((signature) => short(signature.keyid)).join(", ");
    return {
      check: "signature",
      ok: undefined,
      text:
        signatures.length === 0
          ? "not checked: the receipt is unsigned (run --sign-key), so anyone could have written it"
          : `not checked: signed by keyid ${printable(ids)}; pass --public-key to check it`,
    };
  }
  const key = readPublicKey(publicKeyFile);
  const id = keyId(key);
  const own = signatures.filter((signature) => signature.keyid === id);
  if (own.length === 0) {
    return {
      check: "signature",
      ok: false,
      text:
        signatures.length === 0
          ? `the receipt is unsigned; --public-key ${short(id)} expects a signature`
          : `no signature by keyid ${short(id)} (the receipt has ${printable(signatures.map((s) => short(s.keyid)).join(", "))})`,
    };
  }
  if (own.some((signature) => signatureValid(read.envelope, signature, key)))
    return {
      check: "signature",
      ok: true,
      text: `Ed25519 signature by keyid ${short(id)} over the statement`,
    };
  return {
    check: "signature",
    ok: false,
    text: `the signature by keyid ${short(id)} does not match the statement: the receipt was changed after it was signed`,
  };
}

/** Each commit the receipt names exists in the repo. */
export async function checkCommits(read: ReadReceipt, root: string): Promise<VerifyLine[]> {
  const commits = read.statement.subject.filter((item) => item.digest?.gitCommit !== undefined);
  if (commits.length === 0)
    return [{ check: "commit", ok: false, text: "the receipt names no commit (no gitCommit subject)" }];
  return Promise.all(
    commits.map(async (item) => {
      const sha = item.digest?.gitCommit as string;
      const role = printable(
        String((item.annotations as Record<string, unknown> | undefined)?.role ?? "commit"),
      );
      const found = await git(root, ["cat-file", "-e", `${sha}^{commit}`]);
      return found.ok
        ? { check: "commit", ok: true, text: `${sha} (${role}) exists in ${printable(root)}` }
        : {
            check: "commit",
            ok: false,
            text: `${sha} (${role}) is not a commit of ${printable(root)} (git fetch it, or pass --repo PATH)`,
          };
    }),
  );
}

type ProofRecord = { id: string; fileSha256?: string };

function resultProofs(report: Report): ProofRecord[] {
  if (report.kind === "compare") return resultProofs(report.head);
  if (report.kind === "bisect") return [report.proof];
  return report.proofs ? report.proofs.map((outcome) => outcome.proof) : [report.proof];
}

export interface LocatedProofs {
  lines: VerifyLine[];
  /** recorded spec or path -> the file here with the recorded content, for --rerun. */
  files: Map<string, string>;
}

/** Each proof file's recorded hash is that of the proof here: relay-proof's own, or a file named. */
export function checkProofFiles(read: ReadReceipt, root: string, named: readonly string[]): LocatedProofs {
  const files = new Map<string, string>();
  const recorded = recordedProofFiles(read.statement);
  const lines: VerifyLine[] = [];
  const ran = resultProofs(read.result).map((proof) => proof.id);
  const listed = recorded.map((file) => file.id);
  if (canonicalJson(ran) !== canonicalJson(listed)) {
    lines.push({
      check: "proof-files",
      ok: false,
      text: `the receipt lists proofs ${shown(listed.join(", "))}, the result ran ${shown(ran.join(", "))}`,
    });
  }
  for (const file of recorded) {
    if (file.source === "relay-proof") {
      const own = ownProofFile(file.id);
      const hash = own ? fileSha256(own) : undefined;
      lines.push(
        hash === file.sha256
          ? {
              check: "proof-files",
              ok: true,
              text: `${file.id}: sha256 ${short(file.sha256)} is this relay-proof's ${file.path}`,
            }
          : {
              check: "proof-files",
              ok: false,
              text: hash
                ? `${file.id}: the receipt's sha256 ${short(file.sha256)} is not this relay-proof's ${file.path} (${short(hash)}): another proof ran (another relay-proof version?)`
                : `${file.id}: this relay-proof has no proof ${printable(file.id)}`,
            },
      );
      continue;
    }
    const result = resultProofs(read.result).find((proof) => proof.id === file.id);
    if (result?.fileSha256 !== undefined && result.fileSha256 !== file.sha256) {
      lines.push({
        check: "proof-files",
        ok: false,
        text: `${file.id}: the receipt's sha256 ${short(file.sha256)} is not the result's ${short(result.fileSha256)}`,
      });
      continue;
    }
    const candidates = [
      ...named.map((path) => resolve(path)),
      ...(isAbsolute(file.path) ? [file.path] : [join(root, file.path), resolve(file.path)]),
    ];
    const found = candidates.find((path) => existsSync(path) && fileSha256(path) === file.sha256);
    if (found) {
      files.set(file.id, found);
      lines.push({
        check: "proof-files",
        ok: true,
        text: `${file.id}: sha256 ${short(file.sha256)} is ${printable(found)}`,
      });
    } else {
      lines.push({
        check: "proof-files",
        ok: false,
        text: `${file.id}: no file here has the receipt's sha256 ${short(file.sha256)} (looked at ${printable([...new Set(candidates)].join(", "), 300)}; pass --proof FILE)`,
      });
    }
  }
  return { lines, files };
}

/** Where two JSON values differ, as paths: `predicate.result`, `subject[0].digest.gitCommit`. */
function differences(actual: unknown, expected: unknown, path: string, into: string[]): void {
  if (canonicalJson(actual) === canonicalJson(expected)) return;
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if (isObject(actual) && isObject(expected) && Array.isArray(actual) === Array.isArray(expected)) {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    for (const key of keys) {
      const step = Array.isArray(actual) ? `${path}[${key}]` : `${path}.${key}`;
      differences(actual[key], expected[key], step, into);
    }
    return;
  }
  into.push(`${path}: the receipt says ${shown(actual)}, the result gives ${shown(expected)}`);
}

/**
 * The statement is the one the result gives: its verdict, every check, the commits, Node, tsx and the
 * trees (the digest, version, flags and proof files it records are taken as recorded: they are
 * checked on their own lines). The flags' own digest is checked here too.
 */
export function checkStatement(read: ReadReceipt): VerifyLine[] {
  const { statement } = read;
  const subject = resultSubject(statement);
  const commitSubject = statement.subject.find((item) => item.digest?.gitCommit !== undefined);
  const flags = recordedFlags(statement);
  const expected = buildStatement(read.result, {
    result: { name: subject?.name ?? "", sha256: subject?.digest?.sha256 ?? "" },
    repoName: commitSubject?.name ?? "",
    relayProofVersion: String(configuration(statement, "relay-proof")?.annotations?.version ?? ""),
    flags,
    proofFiles: recordedProofFiles(statement),
    url: statement.predicate.url,
  });
  const found: string[] = [];
  differences(statement, expected, "statement", found);
  const flagsDigest = configuration(statement, "flags")?.digest?.sha256;
  if (flagsDigest !== sha256Hex(canonicalJson(flags)))
    found.push("statement.predicate.configuration[flags]: its sha256 is not that of the flags it records");
  if (found.length === 0) {
    const commits = commitsOf(read.result).map((commit) => `${commit.role} ${short(commit.sha)}`);
    return [
      {
        check: "statement",
        ok: true,
        text: `${statement.predicate.result} and every check agree with the result's verdict ${read.result.verdict} (${commits.join(", ")})`,
      },
    ];
  }
  return found.map((text) => ({ check: "statement", ok: false, text }));
}

function runValues(result: ProofResult, values: Map<string, string>): void {
  const { toolchain, target } = result;
  if (toolchain.node) values.set("node", `${toolchain.node} (${toolchain.nodeSource ?? "?"})`);
  if (toolchain.tsx) values.set("tsx", `${toolchain.tsx} (${toolchain.tsxSource ?? "?"})`);
  if (target.module) values.set("module", target.module);
  values.set("head", headValue(target));
  if (result.proofs) {
    for (const outcome of result.proofs) {
      const id = outcome.proof.id;
      for (const [key, value] of Object.entries(outcome.info)) values.set(`${id}.${key}`, value);
      for (const check of outcome.checks) values.set(`${id}.${check.key}`, check.value);
      values.set(id, outcome.verdict);
    }
  } else {
    for (const [key, value] of Object.entries(result.scenario.info)) values.set(key, value);
    for (const check of result.scenario.checks) values.set(check.key, check.value);
  }
  values.set("verdict", result.verdict);
}

/** `[proof] key=value` -> [key, value]. */
export function splitLine(line: string): [string, string] | undefined {
  const match = /^\[proof\] ([^=]+)=(.*)$/.exec(line);
  return match?.[1] ? [match[1], match[2] ?? ""] : undefined;
}

function linesAgree(name: string, result: ProofResult): string[] {
  const values = new Map<string, string>();
  runValues(result, values);
  const problems: string[] = [];
  for (const line of result.proofLines) {
    const parts = splitLine(line);
    if (!parts) {
      problems.push(`${name}${shown(line)} is not a proof line`);
      continue;
    }
    const value = values.get(parts[0]);
    if (value !== undefined && proofLine(parts[0], value) !== line)
      problems.push(`${name}${shown(line)}: the result's own ${parts[0]} is ${shown(value)}`);
  }
  const last = result.proofLines.at(-1);
  if (last !== proofLine("verdict", result.verdict))
    problems.push(`${name}the last line is ${shown(last)}, not ${proofLine("verdict", result.verdict)}`);
  if (!result.proofLines.includes(proofLine("head", headValue(result.target))))
    problems.push(`${name}no line ${proofLine("head", headValue(result.target))}`);
  return problems;
}

/** The result's own [proof] lines say what its checks, info, head and verdict say. */
export function checkLines(report: Report): VerifyLine[] {
  const problems: string[] = [];
  if (report.kind === "run") problems.push(...linesAgree("", report));
  else if (report.kind === "compare") {
    problems.push(...linesAgree("head: ", report.head), ...linesAgree("base: ", report.base));
    if (report.proofLines.at(-1) !== proofLine("verdict", report.verdict))
      problems.push(
        `the compare's last line is ${shown(report.proofLines.at(-1))}, not ${proofLine("verdict", report.verdict)}`,
      );
  } else if (report.proofLines.at(-1) !== proofLine("verdict", report.verdict)) {
    problems.push(
      `the last line is ${shown(report.proofLines.at(-1))}, not ${proofLine("verdict", report.verdict)}`,
    );
  }
  if (problems.length === 0)
    return [
      {
        check: "lines",
        ok: true,
        text: `the result's ${report.proofLines.length} proof lines agree with its checks and verdict`,
      },
    ];
  return problems.map((text) => ({ check: "lines", ok: false, text }));
}
