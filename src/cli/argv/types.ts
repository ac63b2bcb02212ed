export interface CommandIo {
  stderr: (text: string) => void;
  color: boolean;
  /** stderr is a terminal and this is not CI: progress may redraw a status line. */
  liveProgress: boolean;
  signal: AbortSignal;
}

/** What a command hands back to the one place that writes and exits. */
export interface CommandOutcome {
  stdout: string;
  exitCode: number;
}
