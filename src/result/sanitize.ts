// Proof values come from the target (error messages, stderr): make each one a single, inert line.

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const ansi = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-_]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const control = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

export const maxValueLength = 300;

/** One line, no ANSI or control characters, no forged `[proof]` marker, bounded length. */
export function sanitizeValue(value: string, maxLength = maxValueLength): string {
  let clean = value
    .replace(ansi, "")
    .replace(control, " ")
    .replace(/\s{2,}/g, " ")
    .trim();
  clean = clean.replace(/\[proof\]/gi, "(proof)");
  if (clean.length > maxLength) clean = `${clean.slice(0, maxLength - 1)}…`;
  return clean;
}

const secretName = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_KEY|CREDENTIAL|AUTH)/i;

/** Values of secret-looking environment variables, longest first, for redaction. */
export function secretValues(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([name, value]) => secretName.test(name) && typeof value === "string" && value.length >= 6)
    .map(([, value]) => value as string)
    .sort((x, y) => y.length - x.length);
}

const bearer = /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;
const tokenField = /("?token"?\s*[:=]\s*"?)[A-Za-z0-9._~+/=-]{8,}/gi;

/** Replace bearer tokens, token fields and known secret values with `[redacted]`. */
export function redact(text: string, secrets: readonly string[] = secretValues()): string {
  let out = text.replace(bearer, "$1[redacted]").replace(tokenField, "$1[redacted]");
  for (const secret of secrets) out = out.split(secret).join("[redacted]");
  return out;
}

const unprintable =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffd\ud800-\udfff]/gu;

/**
 * Text for a one-line error message: every control, format or invalid character (a binary file's
 * bytes, ANSI, a newline) shown as an escape (`\x1b`, `\u200b`), never echoed; bounded length.
 */
export function printable(text: string, maxLength = 200): string {
  const escaped = text.replace(unprintable, (char) => {
    const code = char.codePointAt(0) ?? 0;
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
  const chars = [...escaped];
  return chars.length > maxLength ? `${chars.slice(0, maxLength - 1).join("")}…` : escaped;
}
