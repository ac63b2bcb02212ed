// DSSE (Dead Simple Signing Envelope) v1 around the in-toto statement, signed with Ed25519 through
// node:crypto. https://github.com/secure-systems-lab/dsse/blob/master/envelope.md
import { type KeyObject, sign, verify } from "node:crypto";

export const inTotoPayloadType = "application/vnd.in-toto+json";

export interface DsseSignature {
  keyid: string;
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  /** base64 of the serialized statement. */
  payload: string;
  signatures: DsseSignature[];
}

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes. */
export function pae(payloadType: string, body: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
}

/**
 * Standard base64 that decodes back to exactly the same text: Node's decoder skips stray characters
 * and ignores the unused bits of the last character, so a changed byte could otherwise go unseen.
 */
export function strictBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}

/** An envelope over `payload`, signed by `key` (Ed25519) as `keyid`; unsigned without a key. */
export function envelope(payload: Uint8Array, signer?: { key: KeyObject; keyid: string }): DsseEnvelope {
  const signatures = signer
    ? [
        {
          keyid: signer.keyid,
          sig: sign(null, pae(inTotoPayloadType, payload), signer.key).toString("base64"),
        },
      ]
    : [];
  return { payloadType: inTotoPayloadType, payload: Buffer.from(payload).toString("base64"), signatures };
}

/** Whether `signature` is a valid Ed25519 signature of the envelope's PAE by `key`. */
export function signatureValid(value: DsseEnvelope, signature: DsseSignature, key: KeyObject): boolean {
  const payload = strictBase64(value.payload);
  const sig = strictBase64(signature.sig);
  if (!payload || !sig) return false;
  try {
    return verify(null, pae(value.payloadType, payload), key, sig);
  } catch {
    return false;
  }
}
