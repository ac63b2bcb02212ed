// Claim (PR 86340, "Include --generation in newly generated hidden hook commands"): on a head whose
// registrations carry generations, every hook command a handle builds names `--generation` with that
// registration's own generation. Read from the command text, so it holds or fails even where no CLI
// can run the command.
import type { CheckOutcome, ScenarioContext } from "../../src/scenario/definition.ts";
import { capture } from "./capture.ts";
import { optionValue } from "./command-line.ts";
import { absent, cannotDrive } from "./outcomes.ts";
import { relayEvents } from "./payloads.ts";
import type { Registered } from "./relay.ts";

async function commandsOf(registered: Registered): Promise<{ event: string; command: string }[] | string> {
  const build = registered.handle.commandForEvent;
  if (typeof build !== "function") return "the handle has no commandForEvent";
  const built: { event: string; command: string }[] = [];
  for (const event of relayEvents) {
    const answer = await capture(() => build(event));
    // An event the registration does not allow may refuse a command: that is not a command built.
    if (answer.ok && typeof answer.value === "string") built.push({ event, command: answer.value });
  }
  return built.length > 0 ? built : "commandForEvent built no command for any event";
}

/** Every command of every registration names its own generation. */
export async function checkCommandGeneration(
  ctx: ScenarioContext,
  registrations: readonly (Registered | undefined)[],
): Promise<void> {
  await ctx.check(
    { key: "command-carries-generation", expected: "yes", required: false },
    async (): Promise<CheckOutcome> => {
      const withGeneration = registrations.filter((r): r is Registered => r?.generation !== undefined);
      if (withGeneration.length === 0) return absent("no generations at this head");
      let count = 0;
      for (const [index, registered] of withGeneration.entries()) {
        const commands = await commandsOf(registered);
        if (typeof commands === "string") return cannotDrive(commands);
        for (const { event, command } of commands) {
          count += 1;
          const named = optionValue(command, "--generation");
          const run = `run ${index + 1}`;
          if (named === undefined)
            return {
              status: "fail",
              value: `no(${run}'s ${event} command has no --generation)`,
              ran: command,
            };
          if (named !== registered.generation)
            return {
              status: "fail",
              value: `no(${run}'s ${event} command names another registration's generation)`,
              ran: command,
            };
        }
      }
      return {
        status: "pass",
        value: "yes",
        detail: `${count} commands of ${withGeneration.length} registrations, each with its own --generation`,
      };
    },
  );
}
