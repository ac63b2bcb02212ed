// Proof values come from the target (error messages, stderr): make each one a single, inert line.

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const ansi = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-_]/g;
/** Line breaks and tabs become spaces; every other control character is removed. */
const breaks = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const control = /[\u0000-\u001f\u007f-\u009f]/g;
/** Invisible format characters (zero-width space, joiners, bidi controls, BOM, soft hyphen): removed. */
const invisible = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g;
/** A lone surrogate half (not valid text): removed. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export const maxValueLength = 300;

/** `text` without ANSI escape sequences (colours, cursor moves, OSC hyperlinks). */
export function withoutAnsi(text: string): string {
  return text.replace(ansi, "");
}

/**
 * One line, no ANSI, control or invisible characters, secret values and tokens `[redacted]`, no
 * forged `[proof]` marker, bounded length. Redaction runs on the cleaned text, before the cut: a
 * secret split by escape codes or zero-width characters, or cut off at the end, still goes.
 */
export function sanitizeValue(
  value: string,
  maxLength = maxValueLength,
  secrets: readonly string[] = secretValues(),
): string {
  // Redacted before and after the cleaning: an escape code can hide a token's marker ("Bearer") or split it.
  let clean = redactRaw(value, secrets)
    .replace(ansi, "")
    .replace(invisible, "")
    .replace(loneSurrogate, "")
    .replace(breaks, " ")
    .replace(control, "")
    .replace(/\s{2,}/g, " ")
    .trim();
  clean = redact(clean, secrets).replace(/\[proof\]/gi, "(proof)");
  const chars = [...clean];
  if (chars.length > maxLength) clean = `${chars.slice(0, maxLength - 1).join("")}…`;
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

/**
 * Replace bearer tokens, token fields and known secret values with `[redacted]`. ANSI and invisible
 * characters go first, so a secret they split is still found (line breaks stay: multi-line text).
 */
export function redact(text: string, secrets: readonly string[] = secretValues()): string {
  return redactRaw(redactRaw(text, secrets).replace(ansi, "").replace(invisible, ""), secrets);
}

function redactRaw(text: string, secrets: readonly string[]): string {
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
