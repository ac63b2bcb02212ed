import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { statementProblem } from "../../src/receipt/shape.ts";
import { testResultType } from "../../src/receipt/statement.ts";
import { type ActionRun, actionRoot, loadAction, runActionLocally } from "../helpers/action-steps.ts";
import { proofLines, runCli } from "../helpers/cli.ts";
import { fixHistory } from "../helpers/fixture-history.ts";
import { fixtureRepo, leftoversIn, tempDir } from "../helpers/fixture-repo.ts";

const artifactFiles = ["proof.json", "proof.log", "proof.md", "proof.xml", "receipt.json"];

/** The steps that run before relay-proof, each checked for exit code, stdout and stderr. */
function expectPreparedSteps(run: ActionRun, mode: string, root: string) {
  const self = run.step("self");
  expect([self.exitCode, self.stdout, self.stderr]).toEqual([
    0,
    `relay-proof action: using the installed relay-proof in ${actionRoot}\n`,
    "",
  ]);
  const plan = run.step("plan");
  expect(plan.exitCode).toBe(0);
  expect(plan.stderr).toBe("");
  expect(plan.stdout).toContain(`relay-proof action: ${mode} in ${root}; Node 24 for engines.node >=20;`);
  const deps = run.step("deps");
  expect([deps.exitCode, deps.stdout, deps.stderr]).toEqual([
    0,
    "relay-proof action: install: false, the target's dependencies are used as they are\n",
    "",
  ]);
  const setupNode = run.steps.find((step) => step.step.uses?.startsWith("actions/setup-node@"));
  expect(setupNode?.kind).toBe("uses");
  expect(setupNode?.with).toEqual({ "node-version": "24", "package-manager-cache": "false" });
}

/** The prove step: exits 0 whatever the verdict, prints the command, then only relay-proof's lines. */
function expectProveStep(run: ActionRun, command: string) {
  const prove = run.step("prove");
  expect(prove.exitCode).toBe(0);
  const stderr = prove.stderr.trimEnd().split("\n");
  expect(stderr[0]).toBe(`relay-proof action: relay-proof ${command}`);
  expect(stderr.slice(1).every((line) => line.startsWith("relay-proof: "))).toBe(true);
  const artifacts = run.outputs["artifacts-dir"] as string;
  expect(prove.stdout.trimEnd().split("\n").at(-1)).toBe(
    `relay-proof action: verdict ${run.outputs.verdict}, exit ${run.outputs["exit-code"]}; artifacts in ${artifacts}`,
  );
  return prove;
}

/** What actions/upload-artifact would upload: the artifacts folder, and what is in it. */
function uploaded(run: ActionRun): { name: string; files: string[] } {
  const upload = run.steps.find((step) => step.step.uses?.startsWith("actions/upload-artifact@"));
  expect(upload?.with.path).toBe(run.outputs["artifacts-dir"]);
  return { name: upload?.with.name as string, files: readdirSync(upload?.with.path as string).sort() };
}

function lastStep(run: ActionRun) {
  const last = run.steps.at(-1);
  return [last?.step.name, last?.exitCode, last?.stdout, last?.stderr];
}

describe("action.yml run step by step (the shell GitHub runs, not GitHub)", () => {
  it("proves a fixture head whose fix holds: outputs, job summary and artifacts", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const run = await runActionLocally({ tests: "false", install: "false" }, { workspace: repo.root });
    expectPreparedSteps(run, "run", repo.root);
    const artifacts = join(run.runnerTemp, "relay-proof", "relay-proof", "artifacts");
    const prove = expectProveStep(
      run,
      `run --repo ${repo.root} --no-tests --coverage --json-out ${artifacts}/proof.json --markdown-out ${artifacts}/proof.md --junit-out ${artifacts}/proof.xml --receipt ${artifacts}/receipt.json`,
    );
    expect(proofLines(prove.stdout).get("verdict")).toBe("holds");
    expect(prove.outputs).toMatchObject({ verdict: "holds", "exit-code": "0" });
    expect(run.outputs).toEqual({
      verdict: "holds",
      "exit-code": "0",
      json: join(artifacts, "proof.json"),
      markdown: join(artifacts, "proof.md"),
      junit: join(artifacts, "proof.xml"),
      receipt: join(artifacts, "receipt.json"),
      statement: join(run.runnerTemp, "relay-proof", "relay-proof", "attest", "statement.json"),
      "artifacts-dir": artifacts,
      "node-version": "24",
    });
    expect(run.summary).toContain("### relay-proof native-hook-relay: HOLDS");
    expect(run.summary).toContain(`Head \`${repo.head}\``);
    expect(uploaded(run)).toEqual({ name: "relay-proof", files: artifactFiles });
    const result = JSON.parse(readFileSync(join(artifacts, "proof.json"), "utf8"));
    expect([result.kind, result.verdict, result.target.head]).toEqual(["run", "holds", repo.head]);
    expect(readFileSync(join(artifacts, "proof.md"), "utf8")).toContain("## Real behavior proof");
    expect(readFileSync(join(artifacts, "proof.log"), "utf8")).toContain("[proof] verdict=holds");
    expect(lastStep(run)).toEqual(["Exit with relay-proof's exit code", 0, "", ""]);
    expect(leftoversIn(run.tmp)).toEqual([]);
  });

  it("with attest, prepares the statement actions/attest signs: proof.json as subject, the receipt's predicate", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const run = await runActionLocally(
      { tests: "false", install: "false", coverage: "false", attest: "true" },
      { workspace: repo.root },
    );
    expect(run.outputs).toMatchObject({ verdict: "holds", "exit-code": "0" });
    const attest = run.steps.find((step) => step.step.uses?.startsWith("actions/attest@"));
    expect(attest?.kind).toBe("uses");
    const predicatePath = run.step("prove").outputs.predicate as string;
    expect(attest?.with).toEqual({
      "subject-path": run.outputs.json,
      "predicate-type": testResultType,
      "predicate-path": predicatePath,
    });
    const statement = JSON.parse(readFileSync(run.outputs.statement as string, "utf8"));
    expect(statementProblem(statement)).toBeUndefined();
    const digest = createHash("sha256")
      .update(readFileSync(run.outputs.json as string))
      .digest("hex");
    expect(statement.subject).toEqual([{ name: "proof.json", digest: { sha256: digest } }]);
    expect(statement.predicate).toEqual(JSON.parse(readFileSync(predicatePath, "utf8")));
    expect(statement.predicate.result).toBe("PASSED");
    // The receipt names the same result by the same digest, and verifies.
    const receipt = run.outputs.receipt as string;
    const inner = JSON.parse(
      Buffer.from(JSON.parse(readFileSync(receipt, "utf8")).dsseEnvelope.payload, "base64").toString(),
    );
    expect(inner.subject[1]).toEqual({ name: "proof.json", digest: { sha256: digest } });
    expect(inner.predicate).toEqual(statement.predicate);
    const verify = await runCli(["verify", receipt, "--result", run.outputs.json as string], {
      cwd: repo.root,
    });
    expect([verify.exitCode, verify.stderr, verify.stdout.trimEnd().split("\n").at(-1)]).toEqual([
      0,
      "",
      "[verify] verdict=verified",
    ]);
    const markdown = readFileSync(run.outputs.markdown as string, "utf8")
      .trimEnd()
      .split("\n");
    expect(markdown.slice(-2)).toEqual([
      "- **Check this proof:** `relay-proof verify receipt.json --rerun`",
      `- **Check the attestation:** \`gh attestation verify proof.json -R OWNER/REPO --predicate-type ${testResultType}\``,
    ]);
  });

  it("reports a fixture head with the bug as fails, uploads it, and then its last step exits 1", async () => {
    const repo = fixtureRepo({ variant: "v1-module-local" });
    const run = await runActionLocally({ tests: "false", install: "false" }, { workspace: repo.root });
    expectPreparedSteps(run, "run", repo.root);
    const prove = run.step("prove");
    expect(prove.exitCode).toBe(0);
    expect(prove.stdout).toContain("::error title=relay-proof duplicate-module-invoke::");
    expect(proofLines(prove.stdout).get("verdict")).toBe("fails");
    expect(run.outputs).toMatchObject({ verdict: "fails", "exit-code": "1" });
    expect(run.summary).toContain("### relay-proof native-hook-relay: FAILS");
    expect(run.summary).toContain("| ❌ | `duplicate-module-invoke` |");
    expect(uploaded(run).files).toEqual(artifactFiles);
    expect(JSON.parse(readFileSync(run.outputs.json as string, "utf8")).verdict).toBe("fails");
    expect(lastStep(run)).toEqual(["Exit with relay-proof's exit code", 1, "", ""]);
  });

  it("compares a fixture history's buggy base with its fixed head, passing extra-args on", async () => {
    const { repo, commits } = fixHistory();
    const base = commits["relay: stable ids and a bridge (v1, the bug)"] as string;
    const run = await runActionLocally(
      { base, tests: "false", install: "false", "extra-args": "--timeout 60" },
      { workspace: repo.root },
    );
    expect(run.step("plan").stdout).toContain(`relay-proof action: compare in ${repo.root};`);
    const artifacts = join(run.runnerTemp, "relay-proof", "relay-proof", "artifacts");
    const prove = expectProveStep(
      run,
      `compare --repo ${repo.root} --base ${base} --head HEAD --no-tests --timeout 60 --json-out ${artifacts}/proof.json --markdown-out ${artifacts}/proof.md --junit-out ${artifacts}/proof.xml --receipt ${artifacts}/receipt.json`,
    );
    expect(proofLines(prove.stdout).get("verdict")).toBe("fix-verified");
    expect(run.outputs).toMatchObject({ verdict: "fix-verified", "exit-code": "0" });
    expect(run.summary).toContain("### relay-proof compare native-hook-relay: FIX-VERIFIED");
    expect(readFileSync(run.outputs.markdown as string, "utf8")).toContain("**Before evidence:**");
    expect(lastStep(run)).toEqual(["Exit with relay-proof's exit code", 0, "", ""]);
  });

  it("caches relay-proof's build per tree: a compare with build plans a restore and a save for base and head", async () => {
    const cache = tempDir("relay-proof-cache-");
    vi.stubEnv("RELAY_PROOF_CACHE_DIR", cache);
    const repo = fixtureRepo({ cli: "dist", variant: "v1-module-local" });
    const base = repo.head;
    repo.useVariant("v2-correct");
    repo.commit("the fix");
    const tree = (ref: string) =>
      execFileSync("git", ["rev-parse", `${ref}^{tree}`], { cwd: repo.root, encoding: "utf8" }).trim();
    const run = await runActionLocally(
      { base, build: "true", tests: "false", install: "false", coverage: "false" },
      { workspace: repo.root },
    );
    const keyOf = (ref: string) =>
      `relay-proof-build-v1-${process.platform}-${process.arch}-node24-dev-${tree(ref)}`;
    const pathOf = (ref: string) =>
      `${join(cache, "builds", `${tree(ref)}*`)}\n${join(cache, "loader-caches", tree(ref))}`;
    expect(run.step("plan").outputs).toMatchObject({
      "cache-head-key": keyOf("HEAD"),
      "cache-head-path": pathOf("HEAD"),
      "cache-base-key": keyOf(base),
      "cache-base-path": pathOf(base),
    });
    expect(run.step("plan").stdout).toContain(
      `relay-proof action: build cache head ${keyOf("HEAD")}, base ${keyOf(base)}`,
    );
    const cacheSteps = run.steps.filter((step) => step.step.uses?.startsWith("actions/cache/"));
    expect(cacheSteps.map((step) => [step.step.uses?.split("@")[0], step.with.key])).toEqual([
      ["actions/cache/restore", keyOf("HEAD")],
      ["actions/cache/restore", keyOf(base)],
      ["actions/cache/save", keyOf("HEAD")],
      ["actions/cache/save", keyOf(base)],
    ]);
    // What the save steps would save is what relay-proof built: one dev entry per tree.
    expect(run.outputs.verdict).toBe("fix-verified");
    expect(readdirSync(join(cache, "builds")).sort()).toEqual(
      [`${tree("HEAD")}.dev`, `${tree(base)}.dev`].sort(),
    );
    expect(run.step("prove").stderr).toContain("--build");

    const without = await runActionLocally(
      { tests: "false", install: "false", coverage: "false" },
      { workspace: repo.root },
    );
    expect(without.step("plan").outputs).toMatchObject({ "cache-head-key": "", "cache-base-key": "" });
  });

  it("proofs: changed runs the proofs whose files the change touches", async () => {
    const { repo, commits } = fixHistory();
    const base = commits["relay: stable ids and a bridge (v1, the bug)"] as string;
    const run = await runActionLocally(
      { base, tests: "false", install: "false", coverage: "false", proofs: "changed" },
      { workspace: repo.root },
    );
    const prove = run.step("prove");
    expect(prove.stdout).toContain(
      `relay-proof action: the change since ${base} needs dead-records, grace-window, invocation-history, native-hook-relay, overlapping-runs, relay-expiry, unregister-race`,
    );
    expect(prove.stderr).toContain("--proof native-hook-relay --proof overlapping-runs");
    // The fixed head evicts on replacement: the overlapping-runs proof fails there, so the set does.
    expect(proofLines(prove.stdout).get("overlapping-runs")).toBe("fails");
    expect(run.outputs.verdict).toBe("not-verified");
  });

  it("runs two shards as a matrix would and merges their results and blobs into one verdict", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const downloads = tempDir("relay-proof-downloads-");
    for (const shard of [
      { "shard-index": "1", shards: "2" },
      { "shard-index": "2/2", shards: "" },
    ]) {
      const run = await runActionLocally({ ...shard, install: "false" }, { workspace: repo.root });
      const name = run.outputs["artifacts-dir"]?.split("/").at(-2) as string;
      expect(name).toMatch(/^relay-proof-shard-[12]-of-2$/);
      const index = name.at(-6);
      const artifacts = run.outputs["artifacts-dir"] as string;
      expectProveStep(
        run,
        `run --repo ${repo.root} --shard-index ${index}/2 --blob-dir ${artifacts}/blobs --coverage --json-out ${artifacts}/proof.json --markdown-out ${artifacts}/proof.md --junit-out ${artifacts}/proof.xml --receipt ${artifacts}/receipt.json`,
      );
      expect(run.outputs).toMatchObject({ verdict: "holds", "exit-code": "0" });
      expect(uploaded(run)).toEqual({ name, files: ["blobs", ...artifactFiles] });
      expect(readdirSync(join(artifacts, "blobs")).length).toBeGreaterThan(0);
      // actions/download-artifact with a pattern: one folder per artifact, named after it.
      cpSync(artifacts, join(downloads, name), { recursive: true });
    }
    const merged = await runActionLocally({ merge: downloads, install: "false" }, { workspace: repo.root });
    expectPreparedSteps(merged, "merge", repo.root);
    const artifacts = merged.outputs["artifacts-dir"] as string;
    const prove = expectProveStep(
      merged,
      [
        "merge",
        join(downloads, "relay-proof-shard-1-of-2", "proof.json"),
        join(downloads, "relay-proof-shard-2-of-2", "proof.json"),
        "--blobs",
        join(merged.runnerTemp, "relay-proof", "relay-proof-merged", "merged-blobs"),
        "--repo",
        repo.root,
        `--json-out ${artifacts}/proof.json --markdown-out ${artifacts}/proof.md --junit-out ${artifacts}/proof.xml --receipt ${artifacts}/receipt.json`,
      ].join(" "),
    );
    const lines = proofLines(prove.stdout);
    expect([lines.get("tests"), lines.get("verdict")]).toEqual(["10/10 shards=2", "holds"]);
    expect(merged.outputs).toMatchObject({ verdict: "holds", "exit-code": "0" });
    expect(merged.summary).toContain("| ✅ | tests | 10/10 across 2 shard(s) |");
    expect(uploaded(merged)).toEqual({ name: "relay-proof-merged", files: artifactFiles });
    const result = JSON.parse(readFileSync(join(artifacts, "proof.json"), "utf8"));
    expect([result.tests.vitestMerge.passed, result.tests.vitestMerge.errors]).toEqual([10, []]);
    expect(lastStep(merged)).toEqual(["Exit with relay-proof's exit code", 0, "", ""]);
  }, 180_000);

  it("picks the target's Node from engines.node and turns pass-env and extra-args into flags", async () => {
    for (const [engines, nodeVersion] of [
      [">=22.19.0", "24"],
      ["^22.19.0", "^22.19.0"],
      ["24.1.x", "24.1.x"],
    ]) {
      const repo = fixtureRepo({ engines });
      const run = await runActionLocally(
        { "pass-env": "OPENAI_API_KEY\nRELAY_TOKEN, OTHER", "extra-args": `--timeout 60 --template "full"` },
        { workspace: repo.root, stopAfter: "plan" },
      );
      const plan = run.step("plan");
      expect([plan.exitCode, plan.stderr]).toEqual([0, ""]);
      expect(plan.stdout).toContain(`Node ${nodeVersion} for engines.node ${engines};`);
      expect(plan.outputs["node-version"]).toBe(nodeVersion);
      expect(run.step("deps").kind).toBe("skipped");
      const planned = JSON.parse(readFileSync(plan.outputs.plan as string, "utf8"));
      expect([planned.passEnv, planned.extraArgs, planned.install]).toEqual([
        ["OPENAI_API_KEY", "RELAY_TOKEN", "OTHER"],
        ["--timeout", "60", "--template", "full"],
        true,
      ]);
    }
  });

  it("stops at the plan with exit 2 and an ::error on inputs that contradict each other", async () => {
    const repo = fixtureRepo();
    const cases = [
      [
        { "shard-index": "3/2" },
        'input shard-index must be I/N (1 <= I <= N), or I with shards: N; got "3/2"',
      ],
      [
        { base: "HEAD~1", shards: "2" },
        "inputs shards and shard-index belong to a run, not to compare (compare proves base and head whole)",
      ],
      [{ tests: "yes" }, 'input tests must be true or false, got "yes"'],
      [{ "build-mode": "fast" }, 'input build-mode must be dev, full or source, got "fast"'],
      [{ proofs: "changed" }, "input proofs: changed needs base (the change is base..head)"],
      [{ proofs: "Bad Id" }, 'input proofs names proof ids (or all, changed); "Bad" is not one'],
    ] as const;
    for (const [inputs, message] of cases) {
      const run = await runActionLocally(inputs, { workspace: repo.root });
      const plan = run.step("plan");
      expect([plan.exitCode, plan.stdout, plan.stderr]).toEqual([
        2,
        `::error title=relay-proof action::${message}\n`,
        `relay-proof action: ${message}\n`,
      ]);
      expect(run.steps.filter((step) => step.kind === "run").map((step) => step.step.id)).toEqual([
        "self",
        "plan",
      ]);
      expect(run.outputs.verdict).toBe("");
    }
  });
});

describe("action.yml and the example workflows, as written", () => {
  const workflows = ["examples/pr-proof.yml", "examples/sharded-proof.yml"];
  const relayProofUses = "OWNER/relay-proof@RELAY_PROOF_COMMIT_SHA # v0.1.0";

  it("pin every third-party action to a full commit SHA with its version as a comment", () => {
    for (const file of ["action.yml", ...workflows]) {
      const lines = readFileSync(join(actionRoot, file), "utf8").split("\n");
      const uses = lines.map((line) => /^\s*(?:- )?uses: (.*)$/.exec(line)?.[1]).filter(Boolean);
      expect(uses.length).toBeGreaterThan(0);
      for (const value of uses) {
        if (value?.startsWith("OWNER/relay-proof@")) expect(value).toBe(relayProofUses);
        else expect(value).toMatch(/^actions\/[a-z-]+(?:\/[a-z-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    }
  });

  it("never paste an expression into shell text: inputs reach run steps through env", () => {
    for (const step of loadAction().runs.steps) {
      if (step.run !== undefined) expect(step.run).not.toContain("${{");
    }
  });

  it("run on pull_request with read-only contents, never on pull_request_target", () => {
    for (const file of workflows) {
      const text = readFileSync(join(actionRoot, file), "utf8");
      const workflow = parse(text) as { on: Record<string, unknown>; permissions: Record<string, string> };
      expect(Object.keys(workflow.on)).toContain("pull_request");
      expect(text).not.toMatch(/^\s*pull_request_target:/m);
      expect(workflow.permissions).toEqual({ contents: "read" });
    }
    expect(existsSync(join(actionRoot, "scripts", "github-workflow.example.yml"))).toBe(false);
  });
});
