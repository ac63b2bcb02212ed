import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { makeTempDir } from "../process/temp-dir.ts";
import { wrapperModule } from "./route.ts";
import { runNodeScript, runVitest, type VitestContext } from "./vitest-child.ts";

/**
 * Test files related to the changes since `base`, by the repo's own logic: its wrapper's changed-file
 * resolution when it has one, else Vitest's (`vitest list --changed`, which follows imports).
 * Undefined when neither answers; the caller keeps its git-diff selection then.
 */
export async function relatedTests(
  context: VitestContext,
  base: string,
  timeoutMs: number,
): Promise<string[] | undefined> {
  if (existsSync(join(context.root, wrapperModule))) {
    const url = pathToFileURL(join(context.root, wrapperModule)).href;
    const script = `const m = await import(${JSON.stringify(url)});
const targets = typeof m.resolveChangedTargetArgs === "function" ? m.resolveChangedTargetArgs(["--changed", ${JSON.stringify(base)}], process.cwd()) : null;
console.log(JSON.stringify(targets));`;
    const result = await runNodeScript(context, script, { timeoutMs });
    try {
      const targets = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "null") as string[] | null;
      if (Array.isArray(targets)) return targets.filter((file) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(file));
    } catch {
      // fall through to Vitest's own logic
    }
  }
  const dir = makeTempDir("relay-proof-related-");
  try {
    const out = join(dir.path, "related.json");
    await runVitest(context, ["list", "--changed", base, "--filesOnly", `--json=${out}`], { timeoutMs });
    if (!existsSync(out)) return undefined;
    const entries = JSON.parse(readFileSync(out, "utf8")) as { file: string }[];
    return [...new Set(entries.map((entry) => relative(context.root, entry.file)))];
  } finally {
    dir.remove();
  }
}
