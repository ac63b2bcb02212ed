import { fileURLToPath } from "node:url";

/**
 * The file path of a module URL, without the query relay-proof adds per instance (`?relay-proof-instance=a`),
 * or undefined when it is not a file URL. Dependency-free: the scenario child imports it too.
 */
export function filePathOf(url: string): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(url.replace(/[?#].*$/, ""));
  } catch {
    return undefined;
  }
}
