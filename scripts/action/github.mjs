// The GitHub Actions files a step talks through: $GITHUB_OUTPUT and $GITHUB_PATH (runner docs,
// "Workflow commands"). Multi-line-safe: every output uses the name<<DELIMITER form.
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";

/** Set a step output; without $GITHUB_OUTPUT (a local run) it is printed instead. */
export function setOutput(name, value) {
  const file = process.env.GITHUB_OUTPUT;
  const text = String(value);
  if (!file) {
    console.log(`${name}=${text}`);
    return;
  }
  const delimiter = `relay-proof-${randomUUID()}`;
  appendFileSync(file, `${name}<<${delimiter}\n${text}\n${delimiter}\n`);
}

/** Put a folder on PATH for this step and the steps after it. */
export function addPath(dir) {
  process.env.PATH = `${dir}:${process.env.PATH ?? ""}`;
  if (process.env.GITHUB_PATH) appendFileSync(process.env.GITHUB_PATH, `${dir}\n`);
}

/** An ::error annotation (workflow-command escaping as actions/toolkit does it). */
export function errorAnnotation(message) {
  const data = message.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  return `::error title=relay-proof action::${data}`;
}
