// The `git bisect` commands that reproduce a bisect's boundary, in `git bisect log` form: paste them
// into a shell in the repo, or save them and run `git bisect replay FILE` (then `git bisect reset`).

export interface ReplayInput {
  /** fixed: --bad is the older endpoint (terms broken/fixed); broke: the usual good/bad. */
  direction: "fixed" | "broke";
  good: string;
  bad: string;
  /** The search followed first parents: `git bisect start --first-parent`. */
  firstParent?: boolean;
  /** `identicalTo`: decided by identity with that tested commit (a comment line says so). */
  steps: readonly { sha: string; outcome: "holds" | "fails" | "skipped"; identicalTo?: string }[];
}

/** `git bisect start ...` with its arguments single-quoted, as git writes its log (replay needs that). */
export function bisectReplay(input: ReplayInput): string[] {
  const quote = (arg: string) => `'${arg}'`;
  const start =
    input.direction === "fixed"
      ? ["--term-old=broken", "--term-new=fixed", input.good, input.bad]
      : [input.bad, input.good];
  const term = (outcome: "holds" | "fails") =>
    input.direction === "fixed"
      ? outcome === "holds"
        ? "fixed"
        : "broken"
      : outcome === "holds"
        ? "good"
        : "bad";
  const firstParent = input.firstParent ? ["--first-parent"] : [];
  return [
    `git bisect start ${[...firstParent, ...start].map(quote).join(" ")}`,
    ...input.steps.flatMap((step) => [
      // git bisect replay runs only the lines that start with "git bisect": a comment is safe.
      ...(step.identicalTo
        ? [`# not run: every file the scenario loaded is identical to ${step.identicalTo}, where it ran`]
        : []),
      `git bisect ${step.outcome === "skipped" ? "skip" : term(step.outcome)} ${step.sha}`,
    ]),
  ];
}
