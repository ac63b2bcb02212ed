// The in-toto Statement v1 and test-result v0.1 shapes (field names and types), checked field by
// field: the first problem, naming its path, or undefined when the value has the shape.
// https://github.com/in-toto/attestation/blob/main/spec/v1/resource_descriptor.md
import { statementType, testResultType } from "./statement.ts";

type Check = (value: unknown, path: string) => string | undefined;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function first(problems: Iterable<string | undefined>): string | undefined {
  for (const problem of problems) if (problem) return problem;
  return undefined;
}

const optionalString: Check = (v, p) =>
  v === undefined || typeof v === "string" ? undefined : `${p} is not a string`;

const hex = (length: number) => new RegExp(`^[0-9a-f]{${length}}$`);
/** Digest algorithms with a known hex length; others must be lower-case hex of any length. */
const digestLengths: Record<string, number> = {
  sha256: 64,
  sha512: 128,
  sha1: 40,
  gitCommit: 40,
  gitTree: 40,
};

const digestSet: Check = (v, p) => {
  if (!isObject(v)) return `${p} is not an object`;
  if (Object.keys(v).length === 0) return `${p} names no digest`;
  return first(
    Object.entries(v).map(([algorithm, value]) => {
      if (typeof value !== "string") return `${p}.${algorithm} is not a string`;
      const length = digestLengths[algorithm];
      const fits = length === undefined ? /^[0-9a-f]+$/.test(value) : hex(length).test(value);
      return fits ? undefined : `${p}.${algorithm} is not ${length ?? "a"} lower-case hex`;
    }),
  );
};

/** A ResourceDescriptor: uri, digest or content (at least one), and the optional fields' types. */
export const resourceDescriptor =
  (needsDigest: boolean): Check =>
  (v, p) => {
    if (!isObject(v)) return `${p} is not an object`;
    if (v.uri === undefined && v.digest === undefined && v.content === undefined)
      return `${p} has none of uri, digest, content`;
    if (needsDigest && v.digest === undefined) return `${p}.digest is missing (a subject needs one)`;
    return first([
      optionalString(v.name, `${p}.name`),
      optionalString(v.uri, `${p}.uri`),
      v.digest === undefined ? undefined : digestSet(v.digest, `${p}.digest`),
      v.content === undefined || (typeof v.content === "string" && /^[A-Za-z0-9+/]*={0,2}$/.test(v.content))
        ? undefined
        : `${p}.content is not base64`,
      optionalString(v.downloadLocation, `${p}.downloadLocation`),
      optionalString(v.mediaType, `${p}.mediaType`),
      v.annotations === undefined || isObject(v.annotations)
        ? undefined
        : `${p}.annotations is not an object`,
    ]);
  };

const stringList: Check = (v, p) => {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) return `${p} is not a list`;
  return first(v.map((item, i) => (typeof item === "string" ? undefined : `${p}[${i}] is not a string`)));
};

/** test-result v0.1: result PASSED|WARNED|FAILED, configuration, url, passed/warned/failed tests. */
export const testResultPredicate: Check = (v, p) => {
  if (!isObject(v)) return `${p} is not an object`;
  if (v.result !== "PASSED" && v.result !== "WARNED" && v.result !== "FAILED")
    return `${p}.result is not PASSED, WARNED or FAILED`;
  if (!Array.isArray(v.configuration)) return `${p}.configuration is not a list`;
  return first([
    ...v.configuration.map((item, i) => resourceDescriptor(false)(item, `${p}.configuration[${i}]`)),
    optionalString(v.url, `${p}.url`),
    stringList(v.passedTests, `${p}.passedTests`),
    stringList(v.warnedTests, `${p}.warnedTests`),
    stringList(v.failedTests, `${p}.failedTests`),
  ]);
};

/** Statement v1 with a test-result v0.1 predicate. */
export function statementProblem(value: unknown, path = "statement"): string | undefined {
  if (!isObject(value)) return `${path} is not an object`;
  if (value._type !== statementType) return `${path}._type is not ${statementType}`;
  if (!Array.isArray(value.subject) || value.subject.length === 0)
    return `${path}.subject is not a non-empty list`;
  const subject = first(
    value.subject.map((item, i) => resourceDescriptor(true)(item, `${path}.subject[${i}]`)),
  );
  if (subject) return subject;
  if (value.predicateType !== testResultType) return `${path}.predicateType is not ${testResultType}`;
  return testResultPredicate(value.predicate, `${path}.predicate`);
}
