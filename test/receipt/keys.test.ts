import { generateKeyPairSync } from "node:crypto";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isRelayProofError } from "../../src/errors.ts";
import {
  keyId,
  publicKeyFileFor,
  readPrivateKey,
  readPublicKey,
  writeKeyPair,
} from "../../src/receipt/keys.ts";
import { tempDir } from "../helpers/fixture-repo.ts";

function usage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isRelayProofError(error)).toBe(true);
    expect((error as { code: string }).code).toBe("USAGE");
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
}

describe("receipt keys", () => {
  it("writes PREFIX.key (mode 600) and PREFIX.pub, whose ids agree", () => {
    const dir = tempDir();
    const pair = writeKeyPair(join(dir, "k"));
    expect(readdirSync(dir).sort()).toEqual(["k.key", "k.pub"]);
    expect(statSync(pair.privateKey).mode & 0o777).toBe(0o600);
    expect(keyId(readPrivateKey(pair.privateKey))).toBe(pair.keyid);
    expect(keyId(readPublicKey(pair.publicKey))).toBe(pair.keyid);
    expect(pair.keyid).toMatch(/^[0-9a-f]{64}$/);
  });

  it("takes PREFIX for PREFIX.key and PREFIX.pub", () => {
    const dir = tempDir();
    const pair = writeKeyPair(join(dir, "k"));
    expect(keyId(readPrivateKey(join(dir, "k")))).toBe(pair.keyid);
    expect(keyId(readPublicKey(join(dir, "k")))).toBe(pair.keyid);
    expect(publicKeyFileFor(join(dir, "k.key"))).toBe(join(dir, "k.pub"));
    expect(publicKeyFileFor(join(dir, "k"))).toBe(join(dir, "k.pub"));
  });

  it("never overwrites a key, and writes nothing when one half exists", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "k.pub"), "old");
    expect(usage(() => writeKeyPair(join(dir, "k")))).toMatch(/k\.pub already exists/);
    expect(readdirSync(dir)).toEqual(["k.pub"]);
  });

  it("refuses a missing file, a file that is no key, and a key that is not Ed25519, in one line", () => {
    const dir = tempDir();
    expect(usage(() => readPrivateKey(join(dir, "none")))).toMatch(/^--sign-key: cannot read /);
    writeFileSync(join(dir, "text"), "not a key\n");
    expect(usage(() => readPublicKey(join(dir, "text")))).toMatch(/is not a PEM public key$/);
    const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    writeFileSync(join(dir, "ec.key"), ec.privateKey.export({ type: "pkcs8", format: "pem" }));
    expect(usage(() => readPrivateKey(join(dir, "ec.key")))).toMatch(/is a ec key, not Ed25519$/);
  });
});
