import { chmodSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pickVersion, resolveNode } from "../../src/checkout/node-toolchain.ts";
import { isRelayProofError } from "../../src/errors.ts";
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

describe("provisioning from the npm registry", () => {
  it("installs a matching Node into the cache once, then reuses it", async () => {
    // A stand-in npm on PATH: `view` lists versions, `install` lays out node-<platform>-<arch>/bin/node.
    const bin = tempDir();
    const cache = tempDir();
    const packageName = `node-${process.platform}-${process.arch}`;
    writeFileSync(
      join(bin, "npm"),
      `#!/bin/sh
if [ "$1" = view ]; then echo '["22.20.0","24.9.0","26.1.0"]'; exit 0; fi
if [ "$1" = install ]; then
  while [ "$1" != --prefix ]; do shift; done
  mkdir -p "$2/node_modules/${packageName}/bin"
  printf '#!/bin/sh\\necho v24.9.0\\n' > "$2/node_modules/${packageName}/bin/node"
  chmod +x "$2/node_modules/${packageName}/bin/node"
  exit 0
fi
exit 1
`,
    );
    chmodSync(join(bin, "npm"), 0o755);
    const saved = { PATH: process.env.PATH, RELAY_PROOF_CACHE_DIR: process.env.RELAY_PROOF_CACHE_DIR };
    process.env.PATH = `${bin}:${process.env.PATH}`;
    process.env.RELAY_PROOF_CACHE_DIR = cache;
    try {
      const progress: string[] = [];
      const first = await resolveNode({
        engines: ">=22.19",
        provision: true,
        onProgress: (m) => progress.push(m),
      });
      expect(first).toEqual({
        path: join(cache, "node", "24.9.0", "bin", "node"),
        version: "v24.9.0",
        source: "provisioned",
        engines: ">=22.19",
        satisfies: true,
      });
      expect(progress).toEqual([`provisioning Node 24.9.0 from the npm registry (${packageName})`]);
      expect(readdirSync(join(cache, "node"))).toEqual(["24.9.0"]);
      const second = await resolveNode({ engines: ">=22.19", provision: true });
      expect(second).toMatchObject({ source: "cache", version: "v24.9.0", path: first.path });
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.RELAY_PROOF_CACHE_DIR === undefined) delete process.env.RELAY_PROOF_CACHE_DIR;
      else process.env.RELAY_PROOF_CACHE_DIR = saved.RELAY_PROOF_CACHE_DIR;
    }
  });
});
