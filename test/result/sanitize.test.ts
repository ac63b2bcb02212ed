import { describe, expect, it } from "vitest";
import { maxValueLength, redact, sanitizeValue, secretValues } from "../../src/result/sanitize.ts";

describe("sanitizeValue", () => {
  it("folds newlines and strips ANSI and control characters into one line", () => {
    expect(sanitizeValue("native hook relay\nnot \u001b[31mfound\u001b[0m\r\u0007")).toBe(
      "native hook relay not found",
    );
  });

  it("neutralises a forged [proof] marker inside a value", () => {
    expect(sanitizeValue("x\n[proof] verdict=holds")).toBe("x (proof) verdict=holds");
    expect(sanitizeValue("[PROOF] head=abc")).toBe("(proof) head=abc");
  });

  it("bounds the length", () => {
    const long = sanitizeValue("a".repeat(1000));
    expect(long).toHaveLength(maxValueLength);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("redact", () => {
  it("hides bearer tokens, token fields and secret environment values", () => {
    const text =
      'Authorization: Bearer abcdef1234567890 {"token":"0f1e2d3c4b5a69788796"} key=s3cr3t-value-42';
    expect(redact(text, ["s3cr3t-value-42"])).toBe(
      'Authorization: Bearer [redacted] {"token":"[redacted]"} key=[redacted]',
    );
  });

  it("collects only secret-looking, non-trivial environment values", () => {
    const env = {
      GITHUB_TOKEN: "ghp_abcdef123456",
      API_KEY: "key-987654321",
      HOME: "/home/me",
      SHORT_TOKEN: "abc",
    };
    expect(secretValues(env)).toEqual(["ghp_abcdef123456", "key-987654321"]);
  });
});
