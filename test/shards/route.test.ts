import { describe, expect, it } from "vitest";
import { targetEnv } from "../../src/process/target-env.ts";
import { routeTests, wrapperModule } from "../../src/shards/route.ts";
import { resolveVitestBin } from "../../src/shards/vitest-bin.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

const relayTests = [
  "src/agents/harness/native-hook-relay.test.ts",
  "src/gateway/server-methods/native-hook-relay.test.ts",
  "extensions/codex/src/app-server/native-hook-relay.test.ts",
];

/** A repo router in the style of OpenClaw's scripts/test-projects.mjs: file prefix -> owning config. */
const wrapper = `
const owners = [
  ["src/agents/", "test/vitest/vitest.agents.config.ts"],
  ["src/gateway/", "test/vitest/vitest.gateway.config.ts"],
  ["extensions/codex/", "test/vitest/vitest.extension-codex.config.ts"],
];
export function buildVitestRunPlans(args) {
  const plans = new Map();
  for (const file of args) {
    const owner = owners.find(([prefix]) => file.startsWith(prefix));
    const config = owner ? owner[1] : "test/vitest/vitest.unit.config.ts";
    plans.set(config, [...(plans.get(config) ?? []), file]);
  }
  return [...plans].map(([config, files]) => ({ config, includePatterns: files, forwardedArgs: [], watchMode: false }));
}
`;

function context(root: string) {
  const vitest = resolveVitestBin(root);
  if (!vitest) throw new Error("fixture has no vitest");
  return { root, nodePath: process.execPath, vitestBin: vitest.path, env: targetEnv() };
}

describe("routeTests", () => {
  it("without a wrapper, uses Vitest's own project resolution and runs a two-project file once", async () => {
    const repo = fixtureRepo();
    const routing = await routeTests(context(repo.root), relayTests, 60_000);
    expect(routing.method).toBe("vitest");
    expect(routing.routes).toEqual([
      { config: undefined, project: "agents", files: ["src/agents/harness/native-hook-relay.test.ts"] },
      {
        config: undefined,
        project: "gateway-client",
        files: ["src/gateway/server-methods/native-hook-relay.test.ts"],
      },
      {
        config: undefined,
        project: "extension-codex",
        files: ["extensions/codex/src/app-server/native-hook-relay.test.ts"],
      },
    ]);
    expect(routing.duplicates).toEqual([
      {
        file: "src/gateway/server-methods/native-hook-relay.test.ts",
        projects: ["gateway-client", "gateway-methods"],
        chosen: "gateway-client",
      },
    ]);
    expect(routing.unmatched).toEqual([]);
  });

  it("with the repo's wrapper, runs each file under its owning config, one project where two match", async () => {
    const repo = fixtureRepo({ files: { [wrapperModule]: wrapper } });
    const routing = await routeTests(context(repo.root), relayTests, 60_000);
    expect(routing.method).toBe("wrapper");
    expect(routing.routes).toEqual([
      {
        config: "test/vitest/vitest.agents.config.ts",
        project: undefined,
        files: ["src/agents/harness/native-hook-relay.test.ts"],
      },
      {
        config: "test/vitest/vitest.gateway.config.ts",
        project: "gateway-client",
        files: ["src/gateway/server-methods/native-hook-relay.test.ts"],
      },
      {
        config: "test/vitest/vitest.extension-codex.config.ts",
        project: undefined,
        files: ["extensions/codex/src/app-server/native-hook-relay.test.ts"],
      },
    ]);
  });

  it("reports a file that no project matches", async () => {
    const repo = fixtureRepo({
      files: { "scripts/orphan.test.ts": "import { it } from 'vitest'; it('x', () => {});\n" },
    });
    const routing = await routeTests(
      context(repo.root),
      ["scripts/orphan.test.ts", relayTests[0] as string],
      60_000,
    );
    expect(routing.unmatched).toEqual(["scripts/orphan.test.ts"]);
    expect(routing.routes.flatMap((route) => route.files)).toEqual([relayTests[0]]);
  });

  it("turns a config that fails to load into a routing error, not an empty pass", async () => {
    const repo = fixtureRepo({ files: { "vitest.config.ts": 'throw new Error("config is broken");\n' } });
    const routing = await routeTests(context(repo.root), relayTests, 60_000);
    expect(routing.routes).toEqual([]);
    expect(routing.errors[0]).toMatch(/^vitest list --config \(root\) exited with 1/);
  });
});
