import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { relayProofError } from "../errors.ts";
import { printable } from "../result/sanitize.ts";
import { defaultExport } from "./default-export.ts";
import type { ProofDefinition } from "./definition.ts";
import { siblingModule } from "./sibling.ts";

export interface LoadedDefinition {
  definition: ProofDefinition;
  /** URL the scenario child imports. */
  url: string;
  /** The absolute path of a proof loaded from a file (`--proof FILE`); undefined for an id from proofs/. */
  file: string | undefined;
  /** What `--proof` must say to load this proof again from any directory: the id, or the absolute path. */
  spec: string;
  /** A proof file's content hash (sha256, hex): results from machines where it sits elsewhere match by it. */
  sha256: string | undefined;
}

/** The sha256 of a file's bytes, hex. */
export function fileSha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
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

/** `all`: every proof in proofs/ that applies to the head (its module exists there). */
export const allProofs = "all";

/**
 * Load the proofs `--proof` names (repeatable; `all` for every proof in proofs/), each once, in the
 * order given. `fromAll` marks the ones `all` brought in: a head without their module skips them.
 */
export async function loadDefinitions(
  specs: readonly string[],
  cwd = process.cwd(),
): Promise<(LoadedDefinition & { fromAll: boolean })[]> {
  const loaded: (LoadedDefinition & { fromAll: boolean })[] = [];
  const wanted = specs.length > 0 ? specs : ["native-hook-relay"];
  for (const spec of wanted) {
    // The default proof first: the family's proofs assume nothing of it, but a reader looks there first.
    const expanded =
      spec === allProofs
        ? listProofs().sort((x, y) => Number(y === "native-hook-relay") - Number(x === "native-hook-relay"))
        : [spec];
    for (const one of expanded) {
      const definition = await loadDefinition(one, cwd);
      const twin = loaded.find((entry) => entry.definition.id === definition.definition.id);
      if (twin && twin.url !== definition.url) {
        throw relayProofError(
          "BAD_PROOF",
          `two proofs share the id "${definition.definition.id}" (${twin.spec} and ${definition.spec})`,
          "give each proof its own id",
        );
      }
      if (!twin) loaded.push({ ...definition, fromAll: spec === allProofs });
    }
  }
  return loaded;
}

/** `--proof` names a file (anything with a slash or a script extension), else an id from proofs/. */
export function isProofPath(spec: string): boolean {
  return /[/\\]/.test(spec) || /\.[cm]?[jt]s$/.test(spec);
}

/**
 * Load a proof by id (proofs/) or from a file (`--proof FILE`, relative to `cwd`). A file that is
 * missing, throws on import, has no default export or is not a proof definition is a usage error
 * whose hint names the fix.
 */
export async function loadDefinition(spec: string, cwd = process.cwd()): Promise<LoadedDefinition> {
  if (isProofPath(spec)) return loadProofFile(resolve(cwd, spec));
  const file = proofFile(spec);
  if (!/^[a-z0-9-]+$/.test(spec) || !existsSync(file)) {
    throw relayProofError(
      "UNKNOWN_PROOF",
      `unknown proof "${spec}"`,
      `choose one of: ${listProofs().join(", ")} (or all), or pass a proof file (--proof ./my-proof.ts)`,
    );
  }
  const url = pathToFileURL(file).href;
  const module = (await import(url)) as { default?: ProofDefinition };
  if (!module.default || typeof module.default.scenario !== "function") {
    throw relayProofError("INTERNAL", `proofs/${spec} does not export a proof definition`);
  }
  return { definition: module.default, url, file: undefined, spec, sha256: undefined };
}

const guide = "see docs/writing-a-proof.md";

async function loadProofFile(file: string): Promise<LoadedDefinition> {
  if (!existsSync(file)) {
    throw relayProofError(
      "BAD_PROOF",
      `proof file ${file} does not exist`,
      "check the path; a relative path is resolved from the current directory",
    );
  }
  const url = pathToFileURL(file).href;
  let module: { default?: unknown };
  try {
    module = (await importProof(url)) as { default?: unknown };
  } catch (error) {
    throw importError(file, error);
  }
  const definition = defaultExport(module);
  if (definition === undefined) {
    throw relayProofError(
      "BAD_PROOF",
      `proof file ${file} has no default export`,
      "end it with: export default defineProof({ id, title, ... })",
    );
  }
  const problem = shapeProblem(definition);
  if (problem) {
    throw relayProofError("BAD_PROOF", `proof file ${file} is not a proof definition: ${problem}`, guide);
  }
  return { definition: definition as ProofDefinition, url, file, spec: file, sha256: fileSha256(file) };
}

const namespace = "relay-proof-proofs";

/**
 * The error a proof file's import threw, as one line: its first line, without tsx's namespace query,
 * and a hint that fits the cause (an import that does not resolve from the file's folder, or the
 * file's own top level).
 */
export function importError(file: string, error: unknown): Error {
  const raw = error instanceof Error ? error.message : String(error);
  const first = (raw.split("\n")[0] ?? "").replaceAll(`?namespace=${namespace}`, "").trim();
  const code = (error as { code?: unknown } | undefined)?.code;
  const missing = /^Cannot find (?:module|package) '([^']+)'/.exec(first)?.[1];
  const notFound = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND" || missing !== undefined;
  const bare = missing !== undefined && !/^[./]|^file:/.test(missing);
  // `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`: what npm installs.
  const pkg = printable(
    missing
      ?.split("/")
      .slice(0, missing.startsWith("@") ? 2 : 1)
      .join("/") ?? "",
  );
  const hint = !notFound
    ? "the proof file's own code threw while loading; a proof's top level only defines, the scenario does the work"
    : bare
      ? `install ${pkg} where the proof file can resolve it (npm install ${pkg} in ${dirname(file)} or a folder above it)`
      : `an import of the proof file does not resolve from ${dirname(file)}: check its path`;
  return relayProofError("BAD_PROOF", `proof file ${file} throws on import: ${printable(first)}`, hint);
}

type Tsx = { import: (specifier: string, parentUrl: string) => Promise<unknown> };
let tsx: Promise<Tsx> | undefined;

/**
 * Through tsx, its ESM and CommonJS hooks under one namespace (so they leave other imports alone): a
 * .ts file in a folder without `"type": "module"` loads as CommonJS, and its own imports of .ts files
 * need the CommonJS hook too; a .js file with module syntax there loads without Node's reparse warning.
 */
async function importProof(url: string): Promise<unknown> {
  tsx ??= Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]).then(([esm, cjs]) => {
    cjs.register({ namespace });
    return esm.register({ namespace });
  });
  return (await tsx).import(url, import.meta.url);
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string" && item !== "");

/** The first field that does not match the contract in definition.ts, described in a few words. */
export function shapeProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null)
    return `the default export is ${typeof value}, not an object`;
  const proof = value as Record<string, unknown>;
  const text = (key: string) => typeof proof[key] === "string" && proof[key] !== "";
  if (!text("id")) return "id must be a non-empty string";
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(proof.id as string))
    return `id "${String(proof.id)}" must be lower-case letters, digits, dots and dashes`;
  if (!text("title")) return "title must be a non-empty string";
  if (!text("behavior")) return "behavior must be a non-empty string (one paragraph for the PR)";
  const module = proof.module as { candidates?: unknown } | undefined;
  if (typeof module !== "object" || module === null || !isStringArray(module.candidates))
    return "module.candidates must be an array of paths relative to the repo root";
  if (module.candidates.length === 0) return "module.candidates must name at least one path";
  if (!isStringArray(proof.requiredChecks)) return "requiredChecks must be an array of check keys";
  // A proof without required checks would hold without having checked anything.
  if (proof.requiredChecks.length === 0) return "requiredChecks must name at least one check";
  if (!isStringArray(proof.summaryInfo)) return "summaryInfo must be an array of info keys (may be empty)";
  if (!isStringArray(proof.tests)) return "tests must be an array of test files (may be empty)";
  if (typeof proof.scenario !== "function") return "scenario must be a function (ctx) => Promise<void>";
  if (proof.files !== undefined && !isStringArray(proof.files))
    return "files must be an array of paths relative to the repo root";
  if (proof.varies !== undefined && !isStringArray(proof.varies))
    return "varies must be an array of proof line keys";
  if (proof.claims !== undefined) {
    const claims = proof.claims;
    const isClaim = (claim: unknown) => {
      const c = claim as Record<string, unknown> | null;
      return (
        typeof c?.id === "string" && typeof c.text === "string" && c.text !== "" && isStringArray(c.evidence)
      );
    };
    if (!Array.isArray(claims) || !claims.every(isClaim))
      return "claims must be an array of { id, text, evidence: [check keys] }";
  }
  return undefined;
}
