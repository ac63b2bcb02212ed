// Whole-graph module instances (issue 22). A proof's instance "b" is a second copy of every module of
// the checkout's own source that the relay's import graph reaches (the entry, its siblings, the gateway
// handler, the CLI and extension modules: any file under the repo root outside node_modules), as two
// bundles or a plugin loader each carry their own copy of the app's code; installed packages stay one
// copy, as in production. A loader resolve hook carries the instance's query from a module to every
// module it imports, through relative, tsconfig `paths` and workspace imports alike (it runs after
// tsx's resolution, on the file URL that came out). Without it only the entry file is duplicated, and
// on a relay split over sibling modules both "instances" share every sibling: the bug cannot show.
// CommonJS `require` of the checkout's own files is not carried (OpenClaw's source is ESM).

import { realpathSync } from "node:fs";
import { register } from "node:module";
import { pathToFileURL } from "node:url";
import { MessageChannel, type MessagePort, receiveMessageOnPort } from "node:worker_threads";

/** The query parameter that names a module's instance: `file:///.../x.ts?relay-proof-instance=b`. */
export const instanceParam = "relay-proof-instance";

/** In Node's hooks thread: tag the modules a tagged module imports, and say which files each instance got. */
const hooks = `
const param = ${JSON.stringify(instanceParam)};
let roots = [];
let port;
export function initialize(data) {
  roots = data.roots;
  port = data.port;
  port.unref?.();
}
function instanceOf(url) {
  if (typeof url !== "string" || !url.startsWith("file:")) return undefined;
  const query = url.indexOf("?");
  if (query < 0) return undefined;
  return new URLSearchParams(url.slice(query + 1).split("#")[0]).get(param) ?? undefined;
}
const own = (path) => !path.includes("/node_modules/") && roots.some((root) => path.startsWith(root));
// A module's imports resolve the same in every copy (the same file, the same specifier): resolve each
// (specifier, importing file, conditions) once, and hand later copies the answer without tsx's
// resolution (on a real checkout most of what a copy costs beyond evaluating its modules).
const resolvedOnce = new Map();
const keyOf = (specifier, context) =>
  specifier + "\0" + (context.parentURL ?? "").replace(/[?#].*$/, "") + "\0" + (context.conditions ?? []).join(",") +
  "\0" + JSON.stringify(context.importAttributes ?? {});
async function resolveOnce(specifier, context, next) {
  const key = keyOf(specifier, context);
  const known = resolvedOnce.get(key);
  if (known) return { ...known, shortCircuit: true };
  const resolved = await next(specifier, context);
  // Only plain file answers are kept: a copy of one of them is what a later copy would get.
  if (typeof resolved.url === "string" && resolved.url.startsWith("file:") && !resolved.url.includes("?"))
    resolvedOnce.set(key, resolved);
  return resolved;
}
export async function resolve(specifier, context, next) {
  const resolved = await resolveOnce(specifier, context, next);
  const url = resolved.url;
  if (typeof url !== "string" || !url.startsWith("file:")) return resolved;
  const path = url.replace(/[?#].*$/, "");
  const already = instanceOf(url);
  if (already !== undefined) {
    if (own(path)) port?.postMessage({ instance: already, path });
    return resolved;
  }
  const instance = instanceOf(context.parentURL);
  if (instance === undefined || !own(path)) return resolved;
  const hash = url.indexOf("#");
  const base = hash < 0 ? url : url.slice(0, hash);
  const tail = hash < 0 ? "" : url.slice(hash);
  const tagged = base + (base.includes("?") ? "&" : "?") + param + "=" + encodeURIComponent(instance) + tail;
  port?.postMessage({ instance, path });
  return { ...resolved, url: tagged };
}
// A copy loads the same source as the first: hand it the compiled module the first load produced
// (ES modules of the checkout's own; a CommonJS load is Node's to do each time).
const loadedOnce = new Map();
export async function load(url, context, next) {
  const path = typeof url === "string" && url.startsWith("file:") ? url.replace(/[?#].*$/, "") : undefined;
  if (path === undefined || !own(path)) return next(url, context);
  const key = path + "\0" + JSON.stringify(context.importAttributes ?? {});
  const known = loadedOnce.get(key);
  if (known) return { ...known, shortCircuit: true };
  const loaded = await next(url, context);
  // Kept as text: a buffer handed to the loader is transferred (detached) on the way.
  if (loaded.format === "module" && loaded.source != null) {
    const source = typeof loaded.source === "string" ? loaded.source : new TextDecoder().decode(loaded.source);
    loadedOnce.set(key, { format: loaded.format, source });
  }
  return loaded;
}
`;

export interface InstanceGraphs {
  /** The URL that loads `absolutePath` as part of `instance`'s copy of the graph. */
  urlOf(instance: string, absolutePath: string): string;
  /**
   * `instance` imported `absolutePath` by its tagged URL. Counted here too: where tsx resolves
   * in-thread (a Node with module.registerHooks, e.g. 24), such an import does not reach the hook.
   */
  loaded(instance: string, absolutePath: string): void;
  /** How many of the checkout's own modules `instance`'s copy holds so far. */
  modules(instance: string): number;
}

/** Register the hook for `repoRoot` (before any target code loads), and count each instance's modules. */
export function installInstanceGraphs(repoRoot: string): InstanceGraphs {
  const roots = [...new Set([repoRoot, safeRealpath(repoRoot)])].map(
    (root) => `${pathToFileURL(root).href.replace(/\/$/, "")}/`,
  );
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  register(`data:text/javascript,${encodeURIComponent(hooks)}`, {
    data: { roots, port: port2 },
    transferList: [port2],
  });
  const seen = new Map<string, Set<string>>();
  const drain = (port: MessagePort) => {
    for (let message = receiveMessageOnPort(port); message; message = receiveMessageOnPort(port)) {
      const { instance, path } = message.message as { instance: string; path: string };
      count(instance, path);
    }
  };
  const own = (url: string) => !url.includes("/node_modules/") && roots.some((root) => url.startsWith(root));
  const count = (instance: string, url: string) => {
    const files = seen.get(instance) ?? new Set<string>();
    files.add(url);
    seen.set(instance, files);
  };
  return {
    urlOf: (instance, absolutePath) =>
      `${pathToFileURL(absolutePath).href}?${instanceParam}=${encodeURIComponent(instance)}`,
    loaded(instance, absolutePath) {
      const url = pathToFileURL(absolutePath).href;
      if (own(url)) count(instance, url);
    },
    modules(instance) {
      drain(port1);
      return seen.get(instance)?.size ?? 0;
    },
  };
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
