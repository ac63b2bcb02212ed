// --coverage of what the hook commands ran when they run the checkout's BUILT CLI (issue 23, point 3):
// a bundle names no TypeScript file, so its coverage maps back only through source maps, which
// `--coverage --build` asks of the repo's own build and keeps beside the bundle (the bundle itself
// stays byte for byte what the repo builds). `--build-mode source` maps through tsx.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildsDir } from "../../src/checkout/cli/build/cache.ts";
import { runProof } from "../../src/engine/run-proof.ts";
import { privateCache, treeOf } from "../helpers/build-cache.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

const cli = "src/cli/native-hook-relay-cli-base.ts";
const marker = 'const timeoutMs = Number(option(args, "--timeout") ?? "5000");';

/** A bundled-CLI fixture, then a change to the hook command's own code only the commands run. */
function cliChange(options: { ignoreDist?: boolean } = {}) {
  const repo = fixtureRepo({ cli: "bundle" });
  if (options.ignoreDist) {
    repo.write(".gitignore", "node_modules/\ndist/\n");
    repo.commit("ignore the build output");
  }
  const base = repo.head;
  const source = readFileSync(join(repo.root, cli), "utf8");
  expect(source).toContain(marker);
  repo.write(
    cli,
    source.replace(
      marker,
      `${marker}\n    const relayProofCommandRan = timeoutMs > 0;\n    if (!relayProofCommandRan) process.exitCode = 3;`,
    ),
  );
  const head = repo.commit("touch the hook command's CLI");
  return { repo, base, head };
}

describe("--coverage of a built CLI", () => {
  it("--build asks the repo's build for source maps and counts the CLI lines the hook commands ran", async () => {
    privateCache();
    const { repo, base } = cliChange();
    const result = await runProof({ repo: repo.root, tests: false, build: true, coverage: { base } });
    expect(result.verdict).toBe("holds");
    expect(result.cli).toMatchObject({ state: "ready", build: { sourceMaps: { maps: 1 } } });
    expect(result.scenario.info.cli).toMatch(/\), source maps beside 1 file for --coverage\)$/);
    const file = result.coverage?.files.find((f) => f.file === cli);
    expect(file?.lines.length).toBeGreaterThan(0);
    // Only the hook commands run this file, and only through dist/entry.mjs: its map placed them.
    expect(file?.scenario).toEqual(file?.lines);
    expect(file?.unreached).toBeUndefined();
    expect(result.coverage?.notes.join("\n")).not.toContain("without a source map");

    // The map sits beside the bundle, whose comment naming it was taken out again.
    const dist = join(buildsDir(), `${treeOf(repo.root)}.dev.maps`, "checkout", "dist");
    expect(existsSync(join(dist, "entry.mjs.map"))).toBe(true);
    expect(readFileSync(join(dist, "entry.mjs"), "utf8")).not.toContain("sourceMappingURL");
  });

  it("leaves the bundle byte for byte what the repo builds without maps; a maps build serves runs without --coverage", async () => {
    privateCache();
    const { repo, base } = cliChange();
    const plain = await runProof({ repo: repo.root, tests: false, build: true });
    expect(plain.cli?.build).toMatchObject({ cached: false });
    expect(plain.cli?.build?.sourceMaps).toBeUndefined();
    const withMaps = await runProof({ repo: repo.root, tests: false, build: true, coverage: { base } });
    expect(withMaps.cli?.build).toMatchObject({ cached: false, sourceMaps: { maps: 1 } });
    const entry = (key: string) => readFileSync(join(buildsDir(), key, "checkout", "dist", "entry.mjs"));
    const tree = treeOf(repo.root);
    expect(entry(`${tree}.dev.maps`).equals(entry(`${tree}.dev`))).toBe(true);

    // Another coverage run reuses the maps build; so would a run without --coverage.
    const again = await runProof({ repo: repo.root, tests: false, build: true, coverage: { base } });
    expect(again.cli?.build).toMatchObject({ cached: true, sourceMaps: { maps: 1 } });
  });

  it("a bundle without maps beside it: its lines are not counted, and the note and the file say why", async () => {
    const { repo, base } = cliChange({ ignoreDist: true });
    // The user's own build of HEAD, stamped for it: the hook commands run it as it is.
    execFileSync(process.execPath, ["scripts/tsdown-build.mjs"], { cwd: repo.root, stdio: "ignore" });
    const result = await runProof({ repo: repo.root, tests: false, coverage: { base } });
    expect(result.cli).toMatchObject({ state: "ready" });
    expect(result.cli?.build).toBeUndefined();
    const file = result.coverage?.files.find((f) => f.file === cli);
    expect(file?.scenario).toEqual([]);
    expect(file?.unreached).toBe(
      "not loaded by the scenario; the hook commands ran 1 build output file(s) without source maps (a build relay-proof did not make: --build asks the repo's build for source maps), so their lines of it are not counted",
    );
    expect(result.coverage?.notes).toContain(
      "the hook commands ran 1 build output file(s) without a source map beside them (a build relay-proof did not make: --build asks the repo's build for source maps): the lines of the CLI they ran there are not counted (dist/entry.mjs)",
    );
  });

  it("--build-mode source maps the CLI's lines through tsx, with no build", async () => {
    privateCache();
    const { repo, base } = cliChange();
    const result = await runProof({
      repo: repo.root,
      tests: false,
      build: true,
      buildMode: "source",
      coverage: { base },
    });
    expect(result.cli).toMatchObject({ state: "source", mode: "source" });
    const file = result.coverage?.files.find((f) => f.file === cli);
    expect(file?.lines.length).toBeGreaterThan(0);
    expect(file?.scenario).toEqual(file?.lines);
  });
});
