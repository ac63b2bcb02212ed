import { describe, expect, it } from "vitest";
import { errorLines } from "../../../../src/checkout/cli/build/error-lines.ts";

const esc = "\u001b";
const grey = (text: string) => `${esc}[38;5;246m${text}${esc}[0m`;

describe("errorLines", () => {
  it("names a bundler's errors, not the colours, code frames and stack after them", () => {
    // The shape rolldown prints (our own paths): a coloured header, a code frame drawn in boxes, frames.
    const output = [
      `${esc}[41m ERROR ${esc}[49m Error: Build failed with 2 errors:`,
      "",
      `${esc}[31m[UNRESOLVED_IMPORT] Error:${esc}[0m Could not resolve './missing-a.js' in src/app/run.ts`,
      `    ${grey("╭─[")} src/app/run.ts:4:8 ${grey("]")}`,
      `    ${grey("│")}`,
      ` ${grey("4 │")} import { a } from "./missing-a.js";`,
      ` ${grey("  │")}         - src/app/entry.ts | ${grey("────╯")}`,
      `${grey("────╯")}`,
      `${esc}[31m[UNRESOLVED_IMPORT] Error:${esc}[0m Could not resolve './missing-b.js' in src/app/run.ts`,
      "    at aggregateErrors (file:///repo/node_modules/bundler/dist/error.mjs:48:18)",
      "Node.js v24.21.0",
    ].join("\n");
    expect(errorLines(output)).toBe(
      "ERROR Error: Build failed with 2 errors: | [UNRESOLVED_IMPORT] Error: Could not resolve './missing-a.js' in src/app/run.ts",
    );
  });

  it("keeps the last two lines that say something when none names an error", () => {
    expect(errorLines("building...\nstep 2\ntsdown: cannot compile src/entry.ts\n\n")).toBe(
      "step 2 | tsdown: cannot compile src/entry.ts",
    );
  });

  it("names an error line once, however often the output repeats it", () => {
    expect(errorLines("error TS2307: Cannot find module 'x'\nerror TS2307: Cannot find module 'x'\n")).toBe(
      "error TS2307: Cannot find module 'x'",
    );
  });
});
