import { describe, expect, it } from "vitest";
import { fastImport } from "../../../fixtures/build-long-history.ts";
import {
  type Closure,
  changedPaths,
  closureOf,
  identicalSpan,
  type PathChange,
  touches,
} from "../../../src/engine/bisect/closure.ts";
import { fixtureRepo } from "../../helpers/fixture-repo.ts";

const root = "/repo/worktree";
const main = "/repo/main";

function closure(files: { read?: string[]; probed?: string[]; listed?: string[] }): Closure {
  return closureOf(
    {
      scenarioRoot: root,
      complete: true,
      processes: 1,
      read: files.read ?? [],
      probed: files.probed ?? [],
      listed: files.listed ?? [],
    },
    { roots: [main], candidates: ["src/agents/harness/native-hook-relay.ts"] },
  );
}

describe("closureOf", () => {
  it("keeps the repo's files, relative, from the checkout the scenario ran in and the one it linked", () => {
    const c = closure({
      read: [
        `${root}/src/a/b.ts`,
        `${main}/packages/core/src/index.ts`,
        "/elsewhere/tool.js",
        `${root}/.git/HEAD`,
      ],
      probed: [`${root}/src/a/absent.ts`],
      listed: [`${root}/extensions`],
    });
    expect(c.read).toContain("src/a/b.ts");
    expect(c.read).toContain("packages/core/src/index.ts");
    expect([...c.read].some((path) => path.includes("elsewhere") || path.startsWith(".git"))).toBe(false);
    // What resolution and the engine read whatever the scenario loads.
    expect(c.read).toContain("pnpm-lock.yaml");
    expect(c.probed).toContain("src/agents/harness/native-hook-relay.ts");
    // The package.json files above every loaded module.
    expect(c.probed).toContain("src/a/package.json");
    expect(c.probed).toContain("src/package.json");
    expect(c.probed).toContain("packages/core/src/package.json");
    expect(c.probed).toContain("src/a/absent.ts");
    expect(c.listed).toContain("extensions");
    expect(c.stems).toContain("src/a/b");
  });
});

describe("touches", () => {
  const c = closure({
    read: [`${root}/src/a/b.ts`, `${root}/data/config.json`],
    probed: [`${root}/src/a/absent.ts`, `${root}/plugins`, `${root}/src/a`],
    listed: [`${root}/extensions`],
  });
  const cases: [string, PathChange, boolean][] = [
    ["a change of a loaded file", { status: "M", path: "src/a/b.ts" }, true],
    ["a change of a read data file", { status: "M", path: "data/config.json" }, true],
    ["a change of a file nothing loaded", { status: "M", path: "src/a/c.ts" }, false],
    ["a file added next to the loaded one", { status: "A", path: "src/a/c.ts" }, false],
    ["a file that shadows an import of ./b", { status: "A", path: "src/a/b.js" }, true],
    ["a directory index that shadows ./b", { status: "A", path: "src/a/b/index.ts" }, true],
    ["the probed file appearing", { status: "A", path: "src/a/absent.ts" }, true],
    [
      "a file added under a probed directory that may not exist",
      { status: "A", path: "plugins/x/manifest.json" },
      true,
    ],
    ["a change of a file under a probed directory", { status: "M", path: "plugins/x/manifest.json" }, false],
    [
      "a file added in a probed directory a loaded file keeps in place",
      { status: "A", path: "src/a/d.ts" },
      false,
    ],
    ["a file added under a listed directory", { status: "A", path: "extensions/new/index.ts" }, true],
    ["a file deleted under a listed directory", { status: "D", path: "extensions/old/index.ts" }, true],
    ["a change of a file under a listed directory", { status: "M", path: "extensions/old/index.ts" }, false],
    ["the lockfile", { status: "M", path: "pnpm-lock.yaml" }, true],
    ["the root package.json", { status: "M", path: "package.json" }, true],
    ["a package.json above a loaded file", { status: "A", path: "src/a/package.json" }, true],
    ["the root tsconfig", { status: "M", path: "tsconfig.json" }, true],
    ["a nested tsconfig", { status: "M", path: "extensions/x/tsconfig.json" }, false],
    [
      "a module candidate of the proof appearing",
      { status: "A", path: "src/agents/harness/native-hook-relay.ts" },
      true,
    ],
    ["README", { status: "M", path: "README.md" }, false],
  ];
  it.each(cases)("%s: %s", (_, change, expected) => {
    expect(touches(c, change)).toBe(expected);
  });

  it("counts every added or deleted file when the repo root itself was listed", () => {
    const listedRoot = closure({ read: [`${root}/src/a/b.ts`], listed: [root] });
    expect(touches(listedRoot, { status: "A", path: "docs/new.md" })).toBe(true);
    expect(touches(listedRoot, { status: "M", path: "docs/old.md" })).toBe(false);
  });
});

describe("changedPaths and identicalSpan", () => {
  it("reads each commit's added, modified and deleted paths in one log, names with spaces included", () => {
    const repo = fixtureRepo();
    const shas = fastImport(repo.root, [
      { message: "add", files: { "docs/a file.md": "a\n", "src/x.ts": "export {};\n" } },
      {
        message: "modify and delete",
        files: { "src/x.ts": "export const x = 1;\n", "docs/a file.md": null },
      },
    ]);
    return changedPaths(repo.root, repo.head, shas[1] as string).then((changes) => {
      expect(changes.get(shas[0] as string)).toEqual(
        expect.arrayContaining([
          { status: "A", path: "docs/a file.md" },
          { status: "A", path: "src/x.ts" },
        ]),
      );
      expect(changes.get(shas[1] as string)).toEqual(
        expect.arrayContaining([
          { status: "M", path: "src/x.ts" },
          { status: "D", path: "docs/a file.md" },
        ]),
      );
    });
  });

  it("spans from the last commit that changed a closure file to the one before the next", () => {
    const c = closure({ read: [`${root}/src/a/b.ts`] });
    const range = ["c0", "c1", "c2", "c3", "c4", "c5"];
    const readme: PathChange[] = [{ status: "M", path: "README.md" }];
    const module: PathChange[] = [{ status: "M", path: "src/a/b.ts" }];
    const changes = new Map<string, PathChange[]>([
      ["c0", readme],
      ["c1", module],
      ["c2", readme],
      ["c3", readme],
      ["c4", module],
      ["c5", readme],
    ]);
    expect(identicalSpan(range, changes, 2, c)).toEqual({ from: 1, to: 3 });
    expect(identicalSpan(range, changes, 1, c)).toEqual({ from: 1, to: 3 });
    expect(identicalSpan(range, changes, 5, c)).toEqual({ from: 4, to: 5 });
    // The old endpoint (-1) is identical up to the first change.
    expect(identicalSpan(range, changes, -1, c)).toEqual({ from: -1, to: 0 });
    expect(identicalSpan(range, changes, 0, c)).toEqual({ from: -1, to: 0 });
    // A commit the log did not list changes everything.
    changes.delete("c3");
    expect(identicalSpan(range, changes, 2, c)).toEqual({ from: 1, to: 2 });
  });

  it("finds nothing identical across a commit of a real fixture repo that changed an imported helper", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const shas = fastImport(repo.root, [
      { message: "docs", files: { "README.md": "x\n" } },
      { message: "helper", files: { "src/agents/harness/relay-fixture/state.ts": "export {};\n" } },
    ]);
    const changes = await changedPaths(repo.root, repo.head, shas[1] as string);
    const c = closure({ read: [`${root}/src/agents/harness/relay-fixture/state.ts`] });
    expect(identicalSpan(shas, changes, 0, c)).toEqual({ from: -1, to: 0 });
    expect(identicalSpan(shas, changes, 1, c)).toEqual({ from: 1, to: 1 });
  });
});
