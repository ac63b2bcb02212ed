import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../helpers/fixture-repo.ts";

const require = createRequire(import.meta.url);
const tsxLoader = pathToFileURL(require.resolve("tsx")).href;
const instances = pathToFileURL(join(import.meta.dirname, "../../../src/scenario/child/instances.ts")).href;

function write(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** A checkout whose entry reaches a sibling, a `paths`-mapped workspace package and an installed package. */
function checkout(): string {
  const root = tempDir("relay-proof-instances-");
  write(root, {
    "package.json": '{ "type": "module" }\n',
    "tsconfig.json": JSON.stringify({
      compilerOptions: { paths: { "@ws/core": ["./packages/core/index.ts"] } },
    }),
    "src/entry.ts": [
      'import { sibling } from "./sibling.ts";',
      'import { core } from "@ws/core";',
      'import { installed } from "installed-pkg";',
      "export const state = { sibling, core, installed };",
      "",
    ].join("\n"),
    "src/sibling.ts": "export const sibling = {};\n",
    "packages/core/index.ts": "export const core = {};\n",
    "node_modules/installed-pkg/package.json":
      '{ "name": "installed-pkg", "type": "module", "main": "index.js" }\n',
    "node_modules/installed-pkg/index.js": "export const installed = {};\n",
  });
  return root;
}

/** Load the entry into instances a and b in a child Node under tsx, and say what they share. */
function loadTwice(root: string, entry = "src/entry.ts"): Record<string, unknown> {
  const script = join(root, "probe.mjs");
  writeFileSync(
    script,
    [
      `import { installInstanceGraphs } from ${JSON.stringify(instances)};`,
      `const graphs = installInstanceGraphs(${JSON.stringify(root)});`,
      `const file = ${JSON.stringify(join(root, entry))};`,
      'const a = await import(graphs.urlOf("a", file));',
      'const b = await import(graphs.urlOf("b", file));',
      "console.log(JSON.stringify({",
      "  entry: a !== b,",
      "  sibling: a.state.sibling !== b.state.sibling,",
      "  core: a.state.core !== b.state.core,",
      "  installed: a.state.installed !== b.state.installed,",
      '  modules: [graphs.modules("a"), graphs.modules("b")],',
      "}));",
    ].join("\n"),
  );
  const out = execFileSync(process.execPath, ["--import", tsxLoader, script], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(root, "tsconfig.json") },
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Record<string, unknown>;
}

describe("whole-graph module instances", () => {
  it("gives each instance its own copy of every module of the checkout, installed packages shared", () => {
    const result = loadTwice(checkout());
    expect(result).toEqual({
      entry: true,
      sibling: true,
      core: true,
      installed: false,
      modules: [3, 3],
    });
  });

  it("counts a file an instance imported by its tagged URL once, and never an installed package's", () => {
    // Where tsx resolves in-thread (Node 24), such an import does not always reach the hook: the
    // scenario says what it imported (context.ts), and the count must not depend on the hook alone.
    const root = checkout();
    const script = join(root, "count.mjs");
    writeFileSync(
      script,
      [
        `import { installInstanceGraphs } from ${JSON.stringify(instances)};`,
        `const graphs = installInstanceGraphs(${JSON.stringify(root)});`,
        `graphs.loaded("a", ${JSON.stringify(join(root, "src/sibling.ts"))});`,
        `graphs.loaded("a", ${JSON.stringify(join(root, "src/sibling.ts"))});`,
        `graphs.loaded("a", ${JSON.stringify(join(root, "node_modules/installed-pkg/index.js"))});`,
        'console.log(JSON.stringify([graphs.modules("a"), graphs.modules("b")]));',
      ].join("\n"),
    );
    const out = execFileSync(process.execPath, ["--import", tsxLoader, script], {
      cwd: root,
      encoding: "utf8",
    });
    expect(JSON.parse(out.trim().split("\n").at(-1) ?? "[]")).toEqual([1, 0]);
  });

  it("carries the instance through a workspace package linked into node_modules", () => {
    const root = checkout();
    // The package as pnpm links it: node_modules/@ws/linked -> ../../packages/linked (its real path is the checkout's).
    write(root, {
      "packages/linked/package.json": '{ "name": "@ws/linked", "type": "module", "main": "index.ts" }\n',
      "packages/linked/index.ts": "export const linked = {};\n",
      "src/linked-entry.ts":
        'import { linked } from "@ws/linked";\nexport const state = { sibling: linked, core: linked, installed: 1 };\n',
    });
    mkdirSync(join(root, "node_modules", "@ws"), { recursive: true });
    symlinkSync("../../packages/linked", join(root, "node_modules", "@ws", "linked"), "dir");
    const result = loadTwice(root, "src/linked-entry.ts");
    expect(result.sibling).toBe(true);
    expect(result.modules).toEqual([2, 2]);
  });
});
