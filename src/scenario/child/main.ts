// Entry of the scenario child: runs under the target's Node and tsx, from the target's root.
// Reports through IPC only; the target's own stdout/stderr stay untouched for the logs.

import { cleanupOnSignals } from "../../process/cleanup.ts";
import { defaultExport } from "../default-export.ts";
import type { ProofDefinition } from "../definition.ts";
import { type ChildConfig, type ChildMessage, childConfigEnv } from "../messages.ts";
import { createContext, isCannotTest } from "./context.ts";
import { startChildCoverage } from "./coverage.ts";
import { installInstanceGraphs } from "./instances.ts";

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      resolve();
      return;
    }
    process.send(message, undefined, {}, () => resolve());
  });
}

async function main(): Promise<void> {
  const raw = process.env[childConfigEnv];
  if (!raw || !process.send) {
    console.error("relay-proof: this is the scenario child; run `relay-proof run` instead");
    process.exit(2);
  }
  delete process.env[childConfigEnv];
  // Stopped by relay-proof (Ctrl-C, --timeout): the hook commands are process groups of their own, so
  // they are killed before this child goes, never left running.
  cleanupOnSignals((code) => process.exit(code));
  const config = JSON.parse(raw) as ChildConfig;
  // Pose as the checkout's CLI process: a command builder that falls back to argv[1] then names the
  // repo's own CLI, never this child (which would re-enter relay-proof).
  if (config.cli.entry) process.argv[1] = config.cli.entry;
  // Before any target code loads, so its blocks are counted from the first import.
  const coverage = config.coverage
    ? await startChildCoverage(config.coverage.dir, config.coverage.files)
    : undefined;
  // Before any target code loads: each named instance gets its own copy of the checkout's modules.
  const graphs = installInstanceGraphs(config.repoRoot);
  void send({ type: "hello", node: process.version, pid: process.pid });
  let leftoverShellProcesses = 0;
  // One proof after another, each with its own context (and teardown); the module instances they
  // load ("a", "b") are the same ones, so the module closure is imported once.
  for (const proof of config.proofs) {
    const context = createContext(config, proof, (message) => void send(message), graphs);
    try {
      const definition = defaultExport(await import(proof.definitionUrl)) as ProofDefinition;
      await definition.scenario(context);
    } catch (error) {
      if (isCannotTest(error)) {
        context.report({ type: "cannot-test", proof: proof.id, reason: error.reason });
      } else {
        const err = error instanceof Error ? error : new Error(String(error));
        context.report({ type: "error", proof: proof.id, message: err.message, stack: err.stack });
      }
    } finally {
      await context.teardown();
      leftoverShellProcesses += context.leftoverShellProcesses();
    }
    void send({ type: "proof-done", proof: proof.id });
  }
  await coverage?.write().catch(() => {
    // coverage is evidence about the proof: without it the lines count as not run, never as run
  });
  const activeResources = process
    .getActiveResourcesInfo()
    .filter((name) => name !== "PipeWrap" && name !== "TTYWrap");
  await send({ type: "done", activeResources, leftoverShellProcesses });
  // The target may keep keep-alive sockets or timers; the report is complete, so stop here.
  process.exit(0);
}

await main();
