import { git } from "../checkout/git.ts";

/** A remote URL without its credentials (`https://user:token@host/...` -> `https://host/...`). */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

/** The subject name of a repository: its `origin` remote's URL (credentials removed), else its path. */
export async function repoName(root: string): Promise<string> {
  const remote = await git(root, ["remote", "get-url", "origin"]);
  const url = remote.ok ? remote.stdout.trim() : "";
  return url ? withoutCredentials(url) : root;
}
