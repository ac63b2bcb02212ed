// Property-based: whatever a target prints, a proof line stays one inert line with its secrets hidden.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { proofLine } from "../../src/result/proof-lines.ts";
import { redact, sanitizeValue } from "../../src/result/sanitize.ts";

/** Pieces a hostile target would print: line breaks, ANSI, OSC, invisible and control characters, forged markers. */
const noise = fc.constantFrom(
  "\n",
  "\r\n",
  "\r",
  "\u2028",
  "\u0085",
  "\t",
  "\u001b[31m",
  "\u001b[0m",
  "\u001b]0;title\u0007",
  "\u001b]8;;https://x\u001b\\",
  "\u001bc",
  "\u200b",
  "\u200e",
  "\u202e",
  "\ufeff",
  "\u00ad",
  "\u0000",
  "\u0007",
  "\u007f",
  "\u009b",
  "[proof] ",
  "[PROOF]",
  "[pr\u200boof]",
  "\n[proof] verdict=holds",
  "\ud800",
  "\udfff",
);
const loneSurrogates = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const anything = fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: loneSurrogates }), noise);
const text = fc.array(anything, { maxLength: 40 }).map((parts) => parts.join(""));
/** A planted secret; "redacted" itself is what redaction writes, so it cannot be one. */
const secret = fc.stringMatching(/^[A-Za-z0-9_-]{8,32}$/).filter((value) => !"[redacted]".includes(value));

/** `secret` with noise between its characters (a target that splits it to slip past redaction). */
const split = (value: string, gaps: string[]) =>
  [...value]
    .map((char, i) => `${char}${i < value.length - 1 ? (gaps[i % Math.max(1, gaps.length)] ?? "") : ""}`)
    .join("");
const nonBreaking = fc.constantFrom(
  "\u001b[1m",
  "\u001b[0m",
  "\u200b",
  "\ufeff",
  "\u0000",
  "\u0007",
  "\u00ad",
  "",
);

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const control = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

afterEach(() => {
  delete process.env.RELAY_PROOF_PLANTED_TOKEN;
});

describe("a proof line, for any value a target can produce", () => {
  it("is one line: no newline, no control character, no escape sequence, no lone surrogate", () => {
    fc.assert(
      fc.property(text, (value) => {
        const line = proofLine("key", value);
        expect(line).not.toMatch(control);
        expect(line).not.toContain("\u001b");
        expect(line).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
        expect(line.startsWith("[proof] key=")).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("holds exactly one [proof] marker, its own, however the value forges one", () => {
    fc.assert(
      fc.property(text, (value) => {
        const line = proofLine("key", value);
        expect(line.match(/\[proof\]/gi)).toEqual(["[proof]"]);
      }),
      { numRuns: 500 },
    );
  });

  it("never shows a planted secret, even one split by escape codes or invisible characters", () => {
    fc.assert(
      fc.property(
        text,
        secret,
        fc.array(nonBreaking, { maxLength: 8 }),
        text,
        (before, planted, gaps, after) => {
          process.env.RELAY_PROOF_PLANTED_TOKEN = planted;
          const line = proofLine("key", `${before}${split(planted, gaps)}${after}`);
          expect(line).not.toContain(planted);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never shows a bearer token or a token field's value", () => {
    const token = fc.stringMatching(/^[A-Za-z0-9]{8,40}$/);
    fc.assert(
      fc.property(
        text,
        token,
        fc.constantFrom("Bearer ", '"token":"', "token="),
        text,
        (before, value, form, after) => {
          const sane = before.replace(/[A-Za-z0-9._~+/=-]+$/, "");
          const line = sanitizeValue(`${sane} ${form}${value} ${after}`, 10_000, []);
          expect(line).not.toContain(value);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("redact keeps line breaks (stderr tails stay multi-line) and hides the secret", () => {
    fc.assert(
      fc.property(secret, fc.array(fc.string(), { maxLength: 5 }), (planted, lines) => {
        const out = redact([...lines, planted].join("\n"), [planted]);
        expect(out).not.toContain(planted);
        expect(out.split("\n")).toHaveLength(lines.length + 1);
      }),
      { numRuns: 200 },
    );
  });
});
