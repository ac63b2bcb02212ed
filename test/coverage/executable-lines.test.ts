import { describe, expect, it } from "vitest";
import { executableLines } from "../../src/coverage/executable-lines.ts";

describe("executableLines", () => {
  it("counts code, not comments, types, interfaces or closing braces", () => {
    const text = [
      "interface Shape { a: number }", // 1
      "// a comment", // 2
      "type Id = string;", // 3
      "export function f(x: Shape): number {", // 4
      "  if (x.a > 1) {", // 5
      "    return 1;", // 6
      "  }", // 7
      "  return 2;", // 8
      "}", // 9
      "export const g = (id: Id) => id.length;", // 10
    ].join("\n");
    expect([...(executableLines("/virtual/f.ts", text) ?? [])].sort((x, y) => x - y)).toEqual([
      4, 5, 6, 8, 10,
    ]);
  });

  it("is undefined for a file esbuild cannot compile", () => {
    expect(executableLines("/virtual/broken.ts", "export function (")).toBeUndefined();
  });
});
