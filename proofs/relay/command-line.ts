// Reading a hook command line the way its CLI does: the value of one option (`--name v`, `--name=v`,
// quoted or not), or the line without it.

const optionPattern = (name: string) => new RegExp(`\\s${name}(?:=|\\s+)('([^']*)'|"([^"]*)"|(\\S+))`);

/** The value of option `name` (e.g. `--generation`) in a shell line, or undefined. */
export function optionValue(command: string, name: string): string | undefined {
  const match = optionPattern(name).exec(command);
  return match ? (match[2] ?? match[3] ?? match[4]) : undefined;
}

/** The shell line without option `name` and its value. */
export function withoutOption(command: string, name: string): string {
  return command.replace(optionPattern(name), "");
}
