export const mainHelp = `relay-proof: reproduce and verify OpenClaw's native hook relay fix at any checked-out head

Usage
  relay-proof <command> [options]

Commands
  run       prove one checkout (default: the current directory) and print [proof] lines
  merge     merge the results of one run split over machines (--shard-index) into one
  proofs    list the proofs this relay-proof knows
  help      show help for a command

Options
  -h, --help       show help
  -v, --version    print the version

Exit codes (run)
  0  the fix holds     1  it does not (the bug is present)
  125  cannot test (module did not load, timeout, ...)     2  usage error

Run "relay-proof <command> --help" for a command's options.
`;

export const runHelp = `relay-proof run: prove one checkout and print a verdict

Usage
  relay-proof run [--repo PATH] [options]

Loads the proof's module twice as two module instances in a child Node process in the checkout's
context, registers through one, invokes through the other on every path (direct, bridge, hook
command), replaces the registration under the same id and invokes with the stale and the new
generation. Then runs the proof's focused Vitest files with the checkout's own Vitest, each file
once under the config that owns it, split into shards. The [proof] lines are always the last lines
of the output.

Options
  --repo PATH          the checkout to prove (default: current directory)
  --proof ID           which proof to run (default: native-hook-relay; see "relay-proof proofs")
  --module PATH        the module under test, relative to the repo root (default: the proof's)
  --node PATH          the Node binary that runs the target (default: this Node if it satisfies the
                       target's engines.node, else a cached or provisioned one)
  --no-provision       never download a Node from the npm registry; fail instead
  --require-clean      refuse to run on a work tree with uncommitted changes (exit 2)
  --timeout SECONDS    kill the scenario's whole process group after this long (default: 180)
  --no-tests           skip the focused Vitest tests (the scenario alone, e.g. for git bisect run)
  --tests FILE         run these test files instead of the proof's (repeat, or comma-separate)
  --changed BASE       run test files changed since BASE and the tests beside changed sources
  --shards N           split the tests into N shards (default: the cores available)
  --shard-index I/N    run only shard I of N (CI matrices, several VMs); merge the results later
  --tests-timeout SEC  kill a Vitest invocation after this long (default: 600)
  --format NAME        terminal (default) or json (one JSON document on stdout)
  --json-out FILE      also write the JSON result to FILE
  --verbose            stream the child's own stdout/stderr to stderr
  --quiet              no progress lines on stderr
  -h, --help           show this help

Exit codes
  0 holds, 1 fails (the bug is present), 125 cannot test, 2 usage error, 130 interrupted

Examples
  relay-proof run
  relay-proof run --repo ../openclaw --format json > proof.json
  git bisect run relay-proof run --quiet
`;

export const proofsHelp = `relay-proof proofs: list the proofs in proofs/

Usage
  relay-proof proofs
`;

export const mergeHelp = `relay-proof merge: merge results of one proof run split across machines

Usage
  relay-proof merge RESULT.json... [--format terminal|json] [--json-out FILE]

Each machine runs "relay-proof run --shard-index I/N --json-out shard-I.json" at the same head;
merge checks they are the same proof at the same SHA, that the scenario agreed, sums the shards and
reports any shard without a result (a partial merge is cannot-test, never holds).

Options
  --format NAME        terminal (default) or json
  --json-out FILE      also write the merged JSON result to FILE
  -h, --help           show this help

Exit codes: as "relay-proof run" (0 holds, 1 fails, 125 cannot test, 2 usage error)
`;
