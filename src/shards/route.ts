import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { makeTempDir } from "../process/temp-dir.ts";
import { runNodeScript, runVitest, type VitestContext } from "./vitest-child.ts";

/** One Vitest invocation's worth of files: an owning config, and a project when the config has several. */
export interface TestRoute {
  /** Config path relative to the repo root; undefined means Vitest's default (root) config. */
  config: string | undefined;
  project: string | undefined;
  files: string[];
}

export interface Routing {
  method: "wrapper" | "vitest";
  routes: TestRoute[];
  /** Files no project of their config matches: reported, not run. */
  unmatched: string[];
  /** Files more than one project matches: each runs once, under `chosen`. */
  duplicates: { file: string; projects: string[]; chosen: string }[];
  /** A routing step failed (e.g. a config does not load): the stage cannot be trusted. */
  errors: string[];
}

/** The repo's own router (OpenClaw's scripts/test-projects.mjs support module), when it has one. */
export const wrapperModule = "scripts/test-projects.test-support.mjs";

interface WrapperPlan {
  config: string;
  includePatterns: string[] | null;
  forwardedArgs: string[];
}

/** Ask the repo's wrapper which config owns each file (its own routing, no test run). */
async function wrapperConfigs(
  context: VitestContext,
  files: string[],
  timeoutMs: number,
): Promise<Map<string, string[]> | undefined> {
  const url = pathToFileURL(join(context.root, wrapperModule)).href;
  const script = `const m = await import(${JSON.stringify(url)});
if (typeof m.buildVitestRunPlans !== "function") { console.log("null"); }
else { console.log(JSON.stringify(m.buildVitestRunPlans(${JSON.stringify(files)}, process.cwd()))); }`;
  const result = await runNodeScript(context, script, { timeoutMs });
  const line = result.stdout.trim().split("\n").at(-1) ?? "null";
  let plans: WrapperPlan[] | null = null;
  try {
    plans = JSON.parse(line) as WrapperPlan[] | null;
  } catch {
    plans = null;
  }
  if (!Array.isArray(plans)) return undefined;
  const byConfig = new Map<string, string[]>();
  const wanted = new Set(files);
  for (const plan of plans) {
    const planFiles = (plan.includePatterns ?? plan.forwardedArgs).filter((file) => wanted.has(file));
    if (planFiles.length === 0) continue;
    byConfig.set(plan.config, [...(byConfig.get(plan.config) ?? []), ...planFiles]);
  }
  return byConfig;
}

/** Vitest's own project resolution for a config: which projects each file belongs to. */
async function projectsOf(
  context: VitestContext,
  config: string | undefined,
  files: string[],
  timeoutMs: number,
): Promise<{ projects: Map<string, string[]>; error: string | undefined }> {
  const dir = makeTempDir("relay-proof-list-");
  try {
    const out = join(dir.path, "list.json");
    const args = ["list", ...(config ? ["--config", config] : []), "--filesOnly", `--json=${out}`];
    // Relative paths, as a user types them: configs that set `dir` do not match absolute filters.
    const result = await runVitest(context, [...args, ...files], {
      timeoutMs,
    });
    const projects = new Map<string, string[]>();
    if (!existsSync(out)) {
      const tail = result.stderr.trim().split("\n").slice(-3).join(" ");
      const how = result.timedOut ? "timed out" : `exited with ${String(result.exitCode ?? result.signal)}`;
      return { projects, error: `vitest list --config ${config ?? "(root)"} ${how}: ${tail}` };
    }
    const entries = JSON.parse(readFileSync(out, "utf8")) as { file: string; projectName?: string }[];
    for (const entry of entries) {
      const file = relative(context.root, entry.file);
      const names = projects.get(file) ?? [];
      if (!names.includes(entry.projectName ?? "")) names.push(entry.projectName ?? "");
      projects.set(file, names);
    }
    return { projects, error: undefined };
  } finally {
    dir.remove();
  }
}

/**
 * Route each file to the config that owns it (the repo's wrapper when it has one, else the root
 * config), then to one project, so every file runs exactly once without loading unrelated configs.
 */
export async function routeTests(
  context: VitestContext,
  files: string[],
  timeoutMs: number,
): Promise<Routing> {
  const routing: Routing = { method: "vitest", routes: [], unmatched: [], duplicates: [], errors: [] };
  if (files.length === 0) return routing;
  let byConfig = new Map<string | undefined, string[]>([[undefined, files]]);
  if (existsSync(join(context.root, wrapperModule))) {
    const fromWrapper = await wrapperConfigs(context, files, timeoutMs);
    if (fromWrapper) {
      routing.method = "wrapper";
      byConfig = fromWrapper;
      const routed = new Set([...fromWrapper.values()].flat());
      routing.unmatched.push(...files.filter((file) => !routed.has(file)));
    }
  }
  const listed = await Promise.all(
    [...byConfig].map(async ([config, configFiles]) => ({
      config,
      configFiles,
      ...(await projectsOf(context, config, configFiles, timeoutMs)),
    })),
  );
  for (const { config, configFiles, projects, error } of listed) {
    if (error) {
      routing.errors.push(error);
      continue;
    }
    const byProject = new Map<string, string[]>();
    let ambiguous = false;
    for (const file of configFiles) {
      const names = [...(projects.get(file) ?? [])].sort();
      const chosen = names[0];
      if (chosen === undefined) {
        routing.unmatched.push(file);
        continue;
      }
      if (names.length > 1) {
        ambiguous = true;
        routing.duplicates.push({ file, projects: names, chosen });
      }
      byProject.set(chosen, [...(byProject.get(chosen) ?? []), file]);
    }
    const needsProject = ambiguous || config === undefined;
    for (const [project, projectFiles] of byProject) {
      routing.routes.push({
        config,
        project: needsProject && project !== "" ? project : undefined,
        files: projectFiles,
      });
    }
  }
  return routing;
}
