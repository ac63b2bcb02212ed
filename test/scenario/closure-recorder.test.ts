import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveTsxLoader } from "../../src/checkout/tsx-loader.ts";
import {
  closureDirEnv,
  prepareClosureRecording,
  readClosure,
  recordingNodeOptions,
} from "../../src/scenario/closure-recorder.ts";
import { tempDir } from "../helpers/fixture-repo.ts";

/** A small project: TypeScript importing TypeScript, a CommonJS require, file reads, probes and a child. */
function project(): string {
  const root = tempDir("relay-proof-closure-");
  mkdirSync(join(root, "src/lib"), { recursive: true });
  mkdirSync(join(root, "data"));
  mkdirSync(join(root, "node_modules/dep"), { recursive: true });
  writeFileSync(join(root, "package.json"), '{"type":"module"}\n');
  writeFileSync(join(root, "node_modules/dep/index.js"), "module.exports = 1;\n");
  writeFileSync(join(root, "src/lib/helper.ts"), "export const helper: number = 2;\n");
  writeFileSync(join(root, "src/lib/legacy.cjs"), "module.exports = { legacy: true };\n");
  writeFileSync(join(root, "data/config.json"), '{"on":true}\n');
  writeFileSync(join(root, "src/child.ts"), 'import { helper } from "./lib/helper.ts";\nvoid helper;\n');
  writeFileSync(
    join(root, "src/main.ts"),
    [
      'import { createRequire } from "node:module";',
      'import { existsSync, readFileSync, readdirSync } from "node:fs";',
      'import { spawnSync } from "node:child_process";',
      'import { helper } from "./lib/helper.ts";',
      "const require = createRequire(import.meta.url);",
      'require("./lib/legacy.cjs");',
      'require("dep");',
      'readFileSync(new URL("../data/config.json", import.meta.url));',
      'existsSync(new URL("./lib/absent.ts", import.meta.url));',
      'readdirSync(new URL("../data", import.meta.url));',
      'const child = spawnSync(process.execPath, ["--import", process.env.TSX_URL, "src/child.ts"], { stdio: "inherit" });',
      "if (child.status !== 0) process.exit(3);",
      "void helper;",
      "if (process.env.DIE) process.kill(process.pid, 'SIGKILL');",
      "",
    ].join("\n"),
  );
  return root;
}

function record(root: string, env: NodeJS.ProcessEnv = {}) {
  const recording = prepareClosureRecording(tempDir("relay-proof-recording-"));
  const tsx = resolveTsxLoader(root).url;
  const run = spawnSync(
    process.execPath,
    ["--import", tsx, "--import", recording.preloadUrl, "src/main.ts"],
    {
      cwd: root,
      env: {
        ...process.env,
        ...env,
        TSX_URL: tsx,
        [closureDirEnv]: recording.dir,
        NODE_OPTIONS: recordingNodeOptions(recording),
      },
      encoding: "utf8",
    },
  );
  return { run, closure: readClosure(recording) };
}

describe("the closure recorder", () => {
  it("records imports, requires, reads, probes and listings of the process and the Node processes it starts", () => {
    const root = project();
    const { run, closure } = record(root);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const rel = (files: string[]) =>
      files.filter((f) => f.startsWith(root)).map((f) => f.slice(root.length + 1));
    expect(rel(closure.read)).toEqual(
      expect.arrayContaining([
        "src/main.ts",
        "src/lib/helper.ts",
        "src/lib/legacy.cjs",
        "src/child.ts",
        "data/config.json",
      ]),
    );
    expect(rel(closure.probed)).toContain("src/lib/absent.ts");
    expect(rel(closure.listed)).toContain("data");
    // The lockfile stands for node_modules.
    expect([...closure.read, ...closure.probed].some((file) => file.includes("/node_modules/"))).toBe(false);
    // The process and the child it started both wrote their lists.
    expect(closure).toMatchObject({ complete: true, processes: 2 });
  });

  it("calls a record incomplete when a process that started it never wrote its list", () => {
    const { closure } = record(project(), { DIE: "1" });
    expect(closure.complete).toBe(false);
    expect(closure.processes).toBe(2);
  });

  it("records nothing, and is never complete, where no process ran", () => {
    const recording = prepareClosureRecording(tempDir("relay-proof-recording-"));
    expect(readClosure(recording)).toEqual({
      read: [],
      probed: [],
      listed: [],
      complete: false,
      processes: 0,
    });
  });
});
