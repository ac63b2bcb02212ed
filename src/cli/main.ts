// The CLI: parses the command name, lazy-imports the command, and is the one place that writes the
// final output and exits. Library code returns data or throws branded errors with a stable code.

import { isRelayProofError, usageCodes } from "../errors.ts";
import { cleanupAfterInterrupt, runCleanup, signalExitCode, watchInterrupts } from "../process/cleanup.ts";
import { printable } from "../result/sanitize.ts";
import { relayProofVersion } from "../version.ts";
import type { CommandIo, CommandOutcome } from "./argv/types.ts";
import { mainHelp } from "./help.ts";

const commands: Record<string, (args: string[], io: CommandIo) => Promise<CommandOutcome>> = {
  run: async (args, io) => (await import("./argv/run.ts")).runCommand(args, io),
  compare: async (args, io) => (await import("./argv/compare.ts")).compareCommand(args, io),
  bisect: async (args, io) => (await import("./argv/bisect.ts")).bisectCommand(args, io),
  "bisect-step": async (args, io) => (await import("./argv/bisect.ts")).bisectStepCommand(args, io),
  report: async (args, io) => (await import("./argv/report.ts")).reportCommand(args, io),
  merge: async (args, io) => (await import("./argv/merge.ts")).mergeCommand(args, io),
  proofs: async (args) => (await import("./argv/proofs.ts")).proofsCommand(args),
  demo: async (args, io) => (await import("./argv/demo.ts")).demoCommand(args, io),
  verify: async (args, io) => (await import("./argv/verify.ts")).verifyCommand(args, io),
  keygen: async (args) => (await import("./argv/keygen.ts")).keygenCommand(args),
};

/** The commands that make worktrees, temp dirs or cache entries. */
const workCommands = new Set(["run", "compare", "bisect", "bisect-step", "merge", "demo", "verify"]);

async function dispatch(argv: string[], io: CommandIo): Promise<CommandOutcome> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help")
    return { stdout: mainHelp, exitCode: name ? 0 : 2 };
  if (name === "-v" || name === "--version") return { stdout: `${relayProofVersion()}\n`, exitCode: 0 };
  if (name === "help") {
    const topic = rest[0];
    if (topic && commands[topic]) return commands[topic](["--help"], io);
    return { stdout: mainHelp, exitCode: 0 };
  }
  const command = commands[name];
  if (command && workCommands.has(name)) {
    // What a killed relay-proof left (worktrees, temp dirs, unfinished cache entries) goes first.
    const { cleanLeftovers, describeLeftovers } = await import("../engine/leftovers.ts");
    const said = describeLeftovers(await cleanLeftovers());
    if (said && !rest.includes("--quiet")) io.stderr(`relay-proof: ${said}\n`);
  }
  if (!command) {
    const { relayProofError } = await import("../errors.ts");
    throw relayProofError(
      "USAGE",
      `unknown command "${name}"`,
      `commands: ${Object.keys(commands)
        .filter((name) => name !== "bisect-step")
        .join(", ")}; see relay-proof --help`,
    );
  }
  return command(rest, io);
}

/** How long an interrupted run may take to stop its stages before the rest is undone regardless. */
const stopGraceMs = 30_000;

interface Finished {
  stdout: string;
  stderr: string;
  code: number;
}

/** Run the command; its result, or its error as the one line the user sees, never a throw. */
async function settle(argv: string[], io: CommandIo): Promise<Finished> {
  try {
    const outcome = await dispatch(argv, io);
    return { stdout: outcome.stdout, stderr: "", code: outcome.exitCode };
  } catch (error) {
    if (isRelayProofError(error)) {
      // One line, whatever the input it names held: unprintable bytes are shown escaped, never echoed.
      const hint = error.hint ? ` (${printable(error.hint, 2000)})` : "";
      return {
        stdout: "",
        stderr: `relay-proof: ${printable(error.message, 4000)}${hint}\n`,
        code: usageCodes.has(error.code) ? 2 : 125,
      };
    }
    return {
      stdout: "",
      stderr: `relay-proof: internal error: ${(error as Error).stack ?? String(error)}\n`,
      code: 125,
    };
  }
}

export async function main(argv: string[]): Promise<never> {
  const exit = (code: number): never => process.exit(code);
  // The first SIGINT/SIGTERM aborts the one signal every stage honours; a second exits at once.
  const interrupts = watchInterrupts((code) => exit(code));
  const io: CommandIo = {
    stderr: (text) => process.stderr.write(text),
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
    liveProgress: process.stderr.isTTY === true && !process.env.CI,
    signal: interrupts.signal,
  };
  const work = settle(argv, io);
  const first = await Promise.race([work, interrupts.received]);
  if (typeof first === "string" || interrupts.signal.aborted) {
    const signal = typeof first === "string" ? first : await interrupts.received;
    // The stages stop on the signal and release what they made; the registry undoes the rest.
    await cleanupAfterInterrupt(work, stopGraceMs);
    process.stderr.write(`relay-proof: interrupted by ${signal}; cleaned up\n`);
    return exit(signalExitCode(signal));
  }
  await runCleanup();
  if (interrupts.signal.aborted) {
    await cleanupAfterInterrupt(work, stopGraceMs);
    process.stderr.write(`relay-proof: interrupted by ${await interrupts.received}; cleaned up\n`);
    return exit(signalExitCode(await interrupts.received));
  }
  process.stdout.write(first.stdout);
  process.stderr.write(first.stderr);
  return exit(first.code);
}
