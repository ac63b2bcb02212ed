// Preload (node --import) for relay-proof's own process in the overhead timeline: appends one line per
// event to $RELAY_PROOF_TIMELINE (epoch ms, event): each git call and child process, and the scenario
// child's IPC messages up to its first import. Measuring only; relay-proof never loads it itself.
import childProcess from "node:child_process";
import { appendFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const out = process.env.RELAY_PROOF_TIMELINE;
const now = () => (performance.timeOrigin + performance.now()).toFixed(1);
const log = (event) => out && appendFileSync(out, `${now()} ${event}\n`);
const describe = (file, args) => [file, ...(Array.isArray(args) ? args : [])].join(" ");

log(`start ${performance.timeOrigin.toFixed(1)}`);
const spawn = childProcess.spawn;
childProcess.spawn = function (file, args, ...rest) {
  const child = spawn.call(this, file, args, ...rest);
  const name = describe(file, args);
  log(`spawn ${name}`);
  child.on("exit", () => log(`exit ${name}`));
  child.on("message", (message) => {
    if (message?.type === "hello" || message?.type === "done") log(`message ${message.type}`);
    else if (message?.type === "info" && message.key === "module-instances") log("message module-instances");
  });
  return child;
};
const execFile = childProcess.execFile;
childProcess.execFile = function (file, args, options, callback) {
  const name = describe(file, args);
  log(`git-start ${name}`);
  return execFile.call(this, file, args, options, (...result) => {
    log(`git-end ${name}`);
    callback(...result);
  });
};
syncBuiltinESMExports();
process.on("exit", () => log("exit-process"));
