import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { runProof } from "../../src/engine/run-proof.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

// Secret-looking variables a CI job or a VM may hold; the target (a PR's head) must see none.
const secrets = {
  GITHUB_TOKEN: "ghs_relayproofsecret000",
  OPENAI_API_KEY: "sk-relayproofsecret000",
  AWS_SECRET_ACCESS_KEY: "relayproofsecret000aws",
  NPM_TOKEN: "npm_relayproofsecret000",
  RELAY_PROOF_TEST_PASSWORD: "relayproofsecret000pw",
};

/** What each target process recorded: label (module, command, vitest) -> variable names it saw. */
function probes(root: string): Record<string, string[][]> {
  const dir = join(root, ".env-probe");
  const seen: Record<string, string[][]> = {};
  for (const name of readdirSync(dir)) {
    const label = name.replace(/-\d+\.json$/, "");
    const names = JSON.parse(readFileSync(join(dir, name), "utf8")) as string[];
    seen[label] = [...(seen[label] ?? []), names];
  }
  return seen;
}

describe("target code runs without the caller's secrets", () => {
  it("the relay module, its hook commands and the focused tests see none of them", async () => {
    for (const [name, value] of Object.entries(secrets)) vi.stubEnv(name, value);
    vi.stubEnv("OPENAI_BASE_URL", "http://127.0.0.1:9");
    const repo = fixtureRepo({ variant: "env-probe" });
    mkdirSync(join(repo.root, ".env-probe"));
    const result = await runProof({
      repo: repo.root,
      tests: { files: ["src/agents/harness/env-probe.test.ts"] },
    });

    expect(result.verdict).toBe("holds");
    expect(result.target.dirty).toBe(false);
    const seen = probes(repo.root);
    expect(Object.keys(seen).sort()).toEqual(["command", "module", "vitest"]);
    for (const names of Object.values(seen).flat()) {
      for (const secret of Object.keys(secrets)) expect(names).not.toContain(secret);
      expect(names).not.toContain("OPENAI_BASE_URL");
      expect(names).toContain("PATH");
      expect(names).toContain("HOME");
    }
    // Four hook commands ran (the duplicate, stale, replacement and legacy checks), each a process of its own.
    expect(seen.command).toHaveLength(4);
  });

  it("passes a variable the caller names with --pass-env, and only that one", async () => {
    for (const [name, value] of Object.entries(secrets)) vi.stubEnv(name, value);
    vi.stubEnv("OPENAI_BASE_URL", "http://127.0.0.1:9");
    const repo = fixtureRepo({ variant: "env-probe" });
    mkdirSync(join(repo.root, ".env-probe"));
    const result = await runProof({
      repo: repo.root,
      tests: { files: ["src/agents/harness/env-probe.test.ts"] },
      passEnv: ["OPENAI_BASE_URL"],
    });

    expect(result.verdict).toBe("holds");
    for (const names of Object.values(probes(repo.root)).flat()) {
      expect(names).toContain("OPENAI_BASE_URL");
      for (const secret of Object.keys(secrets)) expect(names).not.toContain(secret);
    }
  });
});
