import { fileURLToPath } from "node:url";

/** Path of a module next to `from`, with the same extension (.ts from source, .js from dist). */
export function siblingModule(from: string, relativeWithoutExtension: string): string {
  const extension = from.endsWith(".ts") ? ".ts" : ".js";
  return fileURLToPath(new URL(`${relativeWithoutExtension}${extension}`, from));
}
