// Ed25519 keys for signing receipts: `relay-proof keygen PREFIX` writes PREFIX.key (PKCS#8 PEM, mode
// 600) and PREFIX.pub (SPKI PEM); a key's id is the sha256 of its public key (SPKI DER), hex.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { relayProofError } from "../errors.ts";
import { printable } from "../result/sanitize.ts";
import { sha256Hex } from "./statement.ts";

export function keyId(key: KeyObject): string {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  return sha256Hex(publicKey.export({ type: "spki", format: "der" }));
}

export interface KeyPairFiles {
  privateKey: string;
  publicKey: string;
  keyid: string;
}

/** Write PREFIX.key and PREFIX.pub; refuses to overwrite either, and leaves neither half-written. */
export function writeKeyPair(prefix: string): KeyPairFiles {
  const privateFile = resolve(`${prefix}.key`);
  const publicFile = resolve(`${prefix}.pub`);
  for (const file of [privateFile, publicFile]) {
    if (existsSync(file)) {
      throw relayProofError(
        "USAGE",
        `${printable(file)} already exists: keygen never overwrites a key`,
        "pick another prefix, or remove the old pair first",
      );
    }
  }
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  try {
    // "wx": fail rather than overwrite if the file appeared in between.
    writeFileSync(privateFile, privateKey.export({ type: "pkcs8", format: "pem" }), {
      mode: 0o600,
      flag: "wx",
    });
    writeFileSync(publicFile, publicKey.export({ type: "spki", format: "pem" }), { mode: 0o644, flag: "wx" });
  } catch (error) {
    rmSync(privateFile, { force: true });
    throw relayProofError(
      "USAGE",
      `cannot write the key pair ${printable(prefix)}: ${printable((error as Error).message)}`,
      "pick a prefix in a folder you can write",
    );
  }
  return { privateKey: privateFile, publicKey: publicFile, keyid: keyId(publicKey) };
}

/** FILE, else FILE.<ext> (`--sign-key k` after `keygen k`). */
function keyFile(file: string, extension: string): string {
  if (existsSync(file) || !existsSync(`${file}${extension}`)) return file;
  return `${file}${extension}`;
}

function readKey(file: string, flag: string, kind: "private" | "public"): KeyObject {
  const path = keyFile(file, kind === "private" ? ".key" : ".pub");
  const hint =
    kind === "private"
      ? "pass the PREFIX.key that relay-proof keygen PREFIX wrote"
      : "pass the PREFIX.pub that relay-proof keygen PREFIX wrote";
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw relayProofError(
      "USAGE",
      `${flag}: cannot read ${printable(path)}: ${printable((error as Error).message)}`,
      hint,
    );
  }
  let key: KeyObject;
  try {
    key = kind === "private" ? createPrivateKey(text) : createPublicKey(text);
  } catch {
    throw relayProofError("USAGE", `${flag}: ${printable(path)} is not a PEM ${kind} key`, hint);
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw relayProofError(
      "USAGE",
      `${flag}: ${printable(path)} is a ${String(key.asymmetricKeyType)} key, not Ed25519`,
      hint,
    );
  }
  return key;
}

export function readPrivateKey(file: string): KeyObject {
  return readKey(file, "--sign-key", "private");
}

export function readPublicKey(file: string): KeyObject {
  return readKey(file, "--public-key", "public");
}

/** The public key file next to a private one: k.key -> k.pub (for the command that checks a receipt). */
export function publicKeyFileFor(privateFile: string): string {
  return `${privateFile.replace(/\.key$/, "")}.pub`;
}
