// What a scenario loaded: every file its processes imported, required or looked at, for bisect's
// shortcut (a commit whose copy of all of them is identical to a tested commit's gives the same
// result). A preload module, written into the run's sandbox, records them in the scenario child and
// in every Node process it starts (hook commands get it through NODE_OPTIONS); each process writes
// its list when it exits. A process that started and never wrote (killed, crashed hard) makes the
// record incomplete, and an incomplete record is never used. The records sit in the run's sandbox,
// which head code can write to: a hostile head could make bisect skip commits (it can never change a
// proof line); `bisect --no-shortcut` runs every step. Issue 17.

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const closureDirEnv = "RELAY_PROOF_CLOSURE_DIR";

/** Loader hooks (in Node's hooks thread): every file URL resolved or loaded goes to the main thread. */
const hooks = `
let port;
export function initialize(data) { port = data.port; port.unref?.(); }
const note = (url) => { if (typeof url === "string" && url.startsWith("file:")) port?.postMessage(url); };
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  note(resolved.url);
  return resolved;
}
export async function load(url, context, next) { note(url); return next(url, context); }
`;

/**
 * The preload (`--import`): module loads through the hooks above, CommonJS loads from require's
 * cache, and the paths fs is asked to read, stat, list or probe (a probe for a file that is absent is
 * recorded too: a commit that adds it changes what the code sees). node_modules are left out: the
 * lockfile stands for them.
 */
const preload = `
import fs from "node:fs";
import { createRequire, register, syncBuiltinESMExports } from "node:module";
import { resolve as resolvePath } from "node:path";
import { fileURLToPath } from "node:url";
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";

const dir = process.env.${closureDirEnv};
if (dir) {
  const read = new Set();
  const probed = new Set();
  const listed = new Set();
  const note = (path, into = read) => {
    try {
      let text = path;
      if (path instanceof URL) text = path.protocol === "file:" ? fileURLToPath(path) : undefined;
      else if (Buffer.isBuffer(path)) text = path.toString();
      else if (typeof path === "string" && path.startsWith("file:")) text = fileURLToPath(path.split(/[?#]/)[0]);
      if (typeof text !== "string" || text.length === 0) return;
      const absolute = resolvePath(process.cwd(), text);
      if (!absolute.includes("/node_modules/")) into.add(absolute);
    } catch {}
  };
  const wrap = (target, names, into) => {
    for (const name of names) {
      const original = target[name];
      if (typeof original !== "function") continue;
      target[name] = function (path, ...rest) {
        note(path, into);
        return original.call(this, path, ...rest);
      };
    }
  };
  // Reads: the content matters. Probes (exists, stat, list): whether it is there, and what it holds.
  wrap(fs, ["readFileSync", "openSync", "readFile", "open", "createReadStream"], read);
  wrap(fs.promises, ["readFile", "open"], read);
  wrap(fs, ["existsSync", "statSync", "lstatSync", "accessSync", "realpathSync", "stat", "lstat", "access"], probed);
  wrap(fs.promises, ["stat", "lstat", "access", "realpath"], probed);
  wrap(fs, ["readdirSync", "opendirSync", "readdir", "opendir"], listed);
  wrap(fs.promises, ["readdir", "opendir"], listed);
  syncBuiltinESMExports();
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  register("data:text/javascript," + encodeURIComponent(${JSON.stringify(hooks)}), {
    data: { port: port2 },
    transferList: [port2],
  });
  const write = fs.writeFileSync;
  write(dir + "/" + process.pid + ".started", "");
  process.on("exit", () => {
    try {
      for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) note(m.message);
      for (const key of Object.keys(createRequire(import.meta.url).cache)) note(key);
      write(dir + "/" + process.pid + ".json", JSON.stringify({ read: [...read], probed: [...probed], listed: [...listed] }));
    } catch {}
  });
}
`;

/** Where one run's record goes: the preload file, and the records its processes write. */
export interface ClosureRecording {
  /** For `node --import`. */
  preloadUrl: string;
  /** The directory the processes write to (the value of RELAY_PROOF_CLOSURE_DIR). */
  dir: string;
}

/** What the processes of one run recorded. */
export interface RecordedClosure {
  /** Absolute paths (outside node_modules) whose content the processes loaded or read. */
  read: string[];
  /** Absolute paths they probed: checked for or stat'ed (present or not). */
  probed: string[];
  /** Absolute paths of the directories they listed. */
  listed: string[];
  /** Every process that started the recorder also wrote its list. */
  complete: boolean;
  /** How many processes recorded. */
  processes: number;
}

/** Set up a recording in `parent` (a directory the run removes afterwards). */
export function prepareClosureRecording(parent: string): ClosureRecording {
  const dir = join(parent, "closure");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(parent, "closure-recorder.mjs");
  writeFileSync(file, preload);
  return { preloadUrl: pathToFileURL(file).href, dir };
}

/** NODE_OPTIONS for a process that must record too (a hook command): the preload. */
export function recordingNodeOptions(recording: ClosureRecording): string {
  return `--import=${recording.preloadUrl}`;
}

/** Read what the processes wrote. */
export function readClosure(recording: ClosureRecording): RecordedClosure {
  const entries = readdirSync(recording.dir);
  const started = entries.filter((name) => name.endsWith(".started"));
  const read = new Set<string>();
  const probed = new Set<string>();
  const listed = new Set<string>();
  let written = 0;
  for (const name of entries.filter((entry) => entry.endsWith(".json"))) {
    try {
      const record = JSON.parse(readFileSync(join(recording.dir, name), "utf8")) as {
        read?: unknown;
        probed?: unknown;
        listed?: unknown;
      };
      const lists = [record.read, record.probed, record.listed];
      if (!lists.every(Array.isArray)) continue;
      written += 1;
      for (const file of record.read as unknown[]) if (typeof file === "string") read.add(file);
      for (const file of record.probed as unknown[]) if (typeof file === "string") probed.add(file);
      for (const file of record.listed as unknown[]) if (typeof file === "string") listed.add(file);
    } catch {
      // a damaged record counts as missing: the closure is incomplete
    }
  }
  return {
    read: [...read].sort(),
    probed: [...probed].sort(),
    listed: [...listed].sort(),
    complete: started.length > 0 && written === started.length,
    processes: started.length,
  };
}
