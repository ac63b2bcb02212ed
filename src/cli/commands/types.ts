export interface CommandIo {
  stderr: (text: string) => void;
  color: boolean;
  signal: AbortSignal;
}

/** What a command hands back to the one place that writes and exits. */
export interface CommandOutcome {
  stdout: string;
  exitCode: number;
}
