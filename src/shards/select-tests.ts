import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { git } from "../checkout/git.ts";

export interface TestSelection {
  source: "proof" | "flag" | "changed";
  /** Existing test files, relative to the repo root, in the order given. */
  files: string[];
  /** Requested files that do not exist at this commit: reported, never silently dropped. */
  missing: string[];
}

export interface SelectTestsOptions {
  root: string;
  proofTests: readonly string[];
  /** `--tests`: explicit files. */
  tests?: readonly string[];
  /** `--changed BASE`: test files changed since BASE plus the tests next to changed sources. */
  changed?: string;
  /** With `changed`: tests the repo's own logic relates to the changes (its wrapper or Vitest). */
  related?: (base: string) => Promise<string[] | undefined>;
}

const testFile = /\.(test|spec)\.[cm]?[jt]sx?$/;

/** Tests of a changed source file: `foo.ts` -> `foo.test.ts` beside it, when it exists. */
function siblingTests(root: string, path: string): string[] {
  const match = /^(.*)\.([cm]?[jt]sx?)$/.exec(basename(path));
  if (!match) return [];
  return ["test", "spec"]
    .map((kind) => join(dirname(path), `${match[1]}.${kind}.${match[2]}`))
    .filter((candidate) => existsSync(join(root, candidate)));
}

async function changedPaths(root: string, base: string): Promise<string[]> {
  const [committed, uncommitted, untracked] = await Promise.all([
    git(root, ["diff", "--name-only", `${base}...HEAD`]),
    git(root, ["diff", "--name-only", "HEAD"]),
    git(root, ["ls-files", "--others", "--exclude-standard"]),
  ]);
  return [committed, uncommitted, untracked]
    .flatMap((result) => result.stdout.split("\n"))
    .filter((path) => path !== "" && !isDependency(path));
}

/**
 * A path inside an installed dependency: pnpm leaves untracked node_modules folders in workspace
 * packages (DaisyClaw's extensions/*), whose own test files are not the repo's (measured: --changed
 * picked up zod's tests and failed "no Vitest project matches").
 */
function isDependency(path: string): boolean {
  return /(^|\/)node_modules\//.test(path);
}

export async function selectTests(options: SelectTestsOptions): Promise<TestSelection> {
  let source: TestSelection["source"] = "proof";
  let requested: string[] = [...options.proofTests];
  if (options.tests && options.tests.length > 0) {
    source = "flag";
    requested = [...options.tests];
  } else if (options.changed) {
    source = "changed";
    requested = [];
    for (const path of await changedPaths(options.root, options.changed)) {
      if (testFile.test(path) && existsSync(join(options.root, path))) requested.push(path);
      else requested.push(...siblingTests(options.root, path));
    }
    const related = (await options.related?.(options.changed)) ?? [];
    requested.push(...related.filter((file) => !isDependency(file) && existsSync(join(options.root, file))));
  }
  const unique = [...new Set(requested.map((file) => file.replace(/^\.\//, "")))];
  return {
    source,
    files: unique.filter((file) => existsSync(join(options.root, file))),
    missing: unique.filter((file) => !existsSync(join(options.root, file))),
  };
}
