import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { envelope, inTotoPayloadType, pae, signatureValid, strictBase64 } from "../../src/receipt/dsse.ts";

describe("DSSE", () => {
  it("encodes PAE as the DSSE spec's example does", () => {
    expect(pae("http://example.com/HelloWorld", Buffer.from("hello world")).toString()).toBe(
      "DSSEv1 29 http://example.com/HelloWorld 11 hello world",
    );
  });

  it("counts lengths in bytes, not characters", () => {
    expect(pae("t", Buffer.from("é", "utf8")).toString()).toBe("DSSEv1 1 t 2 é");
  });

  it("signs the PAE of the payload with Ed25519 and verifies it with the public key only", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const signed = envelope(Buffer.from('{"a":1}'), { key: privateKey, keyid: "k" });
    expect(signed.payloadType).toBe(inTotoPayloadType);
    expect(Buffer.from(signed.payload, "base64").toString()).toBe('{"a":1}');
    const [signature] = signed.signatures;
    expect(signature?.keyid).toBe("k");
    expect(signatureValid(signed, signature as never, publicKey)).toBe(true);
    const changed = { ...signed, payload: Buffer.from('{"a":2}').toString("base64") };
    expect(signatureValid(changed, signature as never, publicKey)).toBe(false);
    const otherType = { ...signed, payloadType: "application/json" };
    expect(signatureValid(otherType, signature as never, publicKey)).toBe(false);
    expect(signatureValid(signed, signature as never, generateKeyPairSync("ed25519").publicKey)).toBe(false);
  });

  it("writes no signature without a key", () => {
    expect(envelope(Buffer.from("x")).signatures).toEqual([]);
  });

  it("reads only base64 that encodes back to the same text", () => {
    expect(strictBase64("YQ==")?.toString()).toBe("a");
    // Node would decode these to "a" as well: an unused bit, a stray character, missing padding.
    expect(strictBase64("YR==")).toBeUndefined();
    expect(strictBase64("Y Q==")).toBeUndefined();
    expect(strictBase64("YQ")).toBeUndefined();
    expect(strictBase64("YQ-=")).toBeUndefined();
  });
});
