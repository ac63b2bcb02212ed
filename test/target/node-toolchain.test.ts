import { describe, expect, it } from "vitest";
import { isRelayProofError } from "../../src/errors.ts";
import { pickVersion, resolveNode } from "../../src/target/node-toolchain.ts";
import { tempDir } from "../helpers/fixture-repo.ts";

describe("resolveNode", () => {
  it("uses the running Node when it satisfies engines.node", async () => {
    const node = await resolveNode({ engines: `>=${process.versions.node.split(".")[0]}`, provision: false });
    expect(node).toMatchObject({
      path: process.execPath,
      version: process.version,
      source: "current",
      satisfies: true,
    });
  });

  it("uses --node as given and says whether it satisfies", async () => {
    const node = await resolveNode({ engines: ">=99", nodeFlag: process.execPath, provision: false });
    expect(node).toMatchObject({ source: "flag", version: process.version, satisfies: false });
  });

  it("rejects a --node that is not a Node binary", async () => {
    await expect(
      resolveNode({ engines: undefined, nodeFlag: "/bin/false", provision: false }),
    ).rejects.toMatchObject({
      code: "USAGE",
    });
  });

  it("fails with a usage error naming --node when nothing satisfies and provisioning is off", async () => {
    process.env.RELAY_PROOF_CACHE_DIR = tempDir();
    try {
      await resolveNode({ engines: ">=99", provision: false });
      expect.unreachable();
    } catch (error) {
      expect(isRelayProofError(error) && error.code).toBe("NODE_UNSATISFIED");
      expect((error as Error & { hint: string }).hint).toContain("--node PATH");
    } finally {
      delete process.env.RELAY_PROOF_CACHE_DIR;
    }
  });
});

describe("pickVersion", () => {
  it("prefers the Node 24 line OpenClaw's CI uses, then the highest match", () => {
    expect(pickVersion(["22.19.0", "24.1.0", "24.11.1", "26.2.0"], ">=22.19")).toBe("24.11.1");
    expect(pickVersion(["22.18.0", "22.20.0"], ">=22.19")).toBe("22.20.0");
    expect(pickVersion(["20.1.0"], ">=22.19")).toBeUndefined();
  });
});
