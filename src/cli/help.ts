import { outputHelp } from "./output.ts";

const receiptHelp = `Receipt
  --receipt FILE       also write a receipt: an in-toto statement (test-result predicate) naming the
                       commit and the result's sha256, with the result itself; check it with
                       relay-proof verify FILE (docs/reports.md)
  --sign-key FILE      sign the receipt's DSSE envelope with this Ed25519 key (relay-proof keygen)`;

export const mainHelp = `relay-proof: reproduce and verify OpenClaw's native hook relay fix at any checked-out head

Usage
  relay-proof <command> [options]

Commands
  run       prove one checkout (default: the current directory) and print [proof] lines
  compare   prove a base and a head: "fix verified" needs the bug on base and the fix on head
  bisect    find the commit that fixed (or broke) the proof, with git bisect run
  report    render a saved result: the PR's "Real behavior proof" Markdown, JUnit, JSON
  merge     merge the results of one run split over machines (--shard-index) into one
  proofs    list the proofs this relay-proof knows, or check proof files
  demo      try it with no checkout: compare and bisect on a bundled fixture history
  verify    check a receipt (--receipt): its digest, signature, commit, proof files, lines; --rerun
  keygen    write an Ed25519 key pair for --sign-key and verify --public-key
  help      show help for a command

Options
  -h, --help       show help
  -v, --version    print the version

Exit codes (run)
  0  the fix holds     1  it does not (the bug is present)
  125  cannot test (module did not load, timeout, ...)     2  usage error

Start with "relay-proof demo"; run "relay-proof <command> --help" for a command's options.
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
  --ref REF            prove this commit in a temporary git worktree; your work tree is untouched
  --no-install         with --ref: if REF's lockfile differs from the installed one, stop instead of
                       installing REF's dependencies in the worktree (equal lockfiles reuse node_modules)
  --trust-install-hooks
                       let that install run the head's package-manager hooks (.pnpmfile.cjs, a
                       pnpmfile setting, yarn plugins): they run inside the package manager with its
                       settings, a registry token among them. Default: ignored (pnpm --ignore-pnpmfile)
  --proof ID|FILE      which proof to run: an id (default: native-hook-relay; see "relay-proof
                       proofs") or a proof file, TypeScript through tsx or JS (see
                       docs/writing-a-proof.md). Repeat it to run several in one child (one import
                       of the module closure); "all" runs every proof whose module this head has.
                       Each proof's lines are prefixed with its id, one "<id>=<verdict>" line each,
                       and the verdict holds only if every proof holds
  --module PATH        the module under test, relative to the repo root (default: the proof's)
  --node PATH          the Node binary that runs the target (default: this Node if it satisfies the
                       target's engines.node, else a cached or provisioned one)
  --no-provision       never download a Node from the npm registry; fail instead
  --build              build the checkout's CLI with the repo's own build (scripts/tsdown-build.mjs and
                       its post-build steps, or its package.json build script) in a private copy,
                       cached per tree content, so the hook-command paths run; your work tree and its
                       dist/ are never touched (cache: ~/.cache/relay-proof/builds, see
                       docs/hook-command.md); a build that fails makes those lines cannot-test
                       (exit 125, unless another line fails), with the build's error
  --build-mode MODE    how --build makes the CLI (implies --build); the [proof] cli line says which:
                         dev     (default) the same build with the repo's own switches that skip
                                 type declarations and pnpm (<BRAND>_RUN_NODE_SKIP_DTS_BUILD=1,
                                 <BRAND>_BUILD_ALL_NO_PNPM=1, as its Docker package build sets);
                                 a head without them gets the full build
                         full    the repo's build steps as they are
                         source  no build: the hook commands run src/entry.ts through the
                                 checkout's tsx (its cache kept per tree); NOT the shipped bundle
  --cli PATH           run the hook commands through this CLI file instead (and hand it to the head
                       as <NAME>_CLI_PATH)
  --pass-env NAME      give the target this environment variable too (repeatable). By default the
                       target's processes see only PATH, locale, TZ, CI, proxy and CA variables and
                       a private HOME/TMPDIR: never your tokens or cloud credentials
  --require-clean      refuse to run on a work tree with uncommitted changes (exit 2)
  --timeout SECONDS    kill the scenario's whole process group after this long (default: 300)
  --command-timeout S  how long each hook command may take (default: 150 for the first, which may
                       compile the CLI's plugins on a fresh machine, 60 after); one that times out
                       is "cannot-test" for its line, never "fails"
  --no-tests           skip the focused Vitest tests (the scenario alone, e.g. for git bisect run)
  --tests FILE         run these test files instead of the proof's (repeat, or comma-separate)
  --changed BASE       run test files changed since BASE, the tests beside changed sources, and the
                       tests the repo's own router (or vitest list --changed) relates to the changes
  --shards N           split the tests into N shards (default: the cores available)
  --shard-index I/N    run only shard I of N (CI matrices, several VMs); merge the results later
  --blob-dir DIR       also write Vitest blob reports to DIR (for "relay-proof merge --blobs DIR")
  --tests-timeout SEC  kill a Vitest invocation after this long (default: 600)
  --coverage           also report which changed lines the live scenario (both module instances and
                       the hook commands, V8 coverage mapped through tsx's source maps) and the focused
                       tests (the checkout's own @vitest/coverage-v8) ran: the lines changed since
                       --changed BASE, else the proof's module files. Evidence only: never the verdict
  --verbose            stream the child's own stdout/stderr to stderr
  --quiet              no progress lines on stderr
  -h, --help           show this help

${outputHelp}

${receiptHelp}

Exit codes
  0 holds, 1 fails (the bug is present), 125 cannot test, 2 usage error, 130 interrupted

Examples
  relay-proof run
  relay-proof run --repo ../openclaw --format json > proof.json
  git bisect run relay-proof run --quiet
`;

export const proofsHelp = `relay-proof proofs: list the proofs in proofs/, check proof files, or pick a PR's

Usage
  relay-proof proofs [FILE...] [--ids]
  relay-proof proofs --changed BASE [--repo PATH] [--ids]

With files, loads each one as "--proof FILE" would and lists it; a file that is missing, throws on
import, has no default export or is not a proof definition exits 2 with a line naming the fix.

With --changed BASE, lists the proofs whose files the change since BASE touches (committed or not):
a proof's module and its <name>-* siblings, and the other files it names. --ids prints one id a
line, e.g. for: relay-proof run $(relay-proof proofs --changed origin/main --ids | sed 's/^/--proof /')
`;

export const mergeHelp = `relay-proof merge: merge results of one proof run split across machines

Usage
  relay-proof merge RESULT.json... [--blobs DIR] [options]

Each machine runs "relay-proof run --shard-index I/N --json-out shard-I.json" at the same head;
merge checks they are the same proof at the same SHA, that the scenario agreed, sums the shards and
reports any shard without a result (a partial merge is cannot-test, never holds). Shards of a proof
file match by its content hash, wherever the file sat on each machine; here it is found by a path a
shard recorded or by its repo-relative path under --repo.

Options
  --blobs DIR          also merge the machines' Vitest blob reports (run --blob-dir, gathered into one
                       DIR) with Vitest's own --merge-reports, config by config; its totals must equal
                       the summed shard results, else the merge fails
  --repo PATH          the checkout whose Vitest merges the blobs (default: the results' repo)
  --node PATH          the Node that runs it (default: as for "relay-proof run")
  --pass-env NAME      as for "relay-proof run"
  -h, --help           show this help

${outputHelp}

${receiptHelp}

Exit codes: as "relay-proof run" (0 holds, 1 fails, 125 cannot test, 2 usage error)
`;

export const compareHelp = `relay-proof compare: does the bug reproduce on the base, and does the fix hold on the head?

Usage
  relay-proof compare --base REF [--head REF] [options]

Runs the proof (and the focused tests, unless --no-tests) on both commits, each in a temporary git
worktree (the head runs in place when it is your clean, checked-out HEAD), side by side when the cores
and free memory allow, and prints a before/after table. The verdict is "fix-verified" only if the
proof FAILS on base and HOLDS on head; otherwise it says which half is missing.

Options
  --base REF           the commit without the fix (e.g. origin/main, the PR's merge base)
  --head REF           the commit with the fix (default: HEAD)
  --repo PATH          the checkout (default: current directory)
  --no-tests           the scenario only
  --no-coverage        skip the coverage of the change (on by default here: which of the lines base..head
                       changes the head's live scenario and focused tests ran; the fix-lines line and a
                       "Coverage of the change" block; never part of the verdict; see docs/coverage.md)
  --no-install         stop instead of installing a ref whose lockfile differs from the installed one
  --trust-install-hooks
                       let such an install run the head's package-manager hooks (.pnpmfile.cjs);
                       default: ignored
  --jobs N             2 runs base and head side by side (default when 2 cores and the memory allow;
                       the head's progress is shown after the base's), 1 one after the other
  --sequential         the same as --jobs 1
  --proof ID|FILE, --module PATH, --node PATH, --timeout SECONDS, --pass-env NAME, --build,
  --build-mode MODE, --cli PATH, --command-timeout SECONDS
                       as for "relay-proof run" (--build builds base and head, each once per tree;
                       --proof repeats, or "all": fix-verified when the set fails on base and holds
                       on head, each proof's verdict side by side)
  --quiet              no progress lines on stderr
  -h, --help           show this help

${outputHelp}

${receiptHelp}

Exit codes
  0 fix verified, 1 not verified (a half is missing), 125 cannot test, 2 usage error
`;

export const bisectHelp = `relay-proof bisect: find the commit that fixed (or broke) the proof

Usage
  relay-proof bisect --good REF --bad REF [options]

--good is a commit where the proof holds, --bad one where it fails. When --bad is older than --good,
bisect finds the first commit that FIXED it; when --good is older, the first that BROKE it. Both
endpoints are verified first (side by side); then the scenario alone (no tests) tests N commits per
round on N workers (k-ary: a round cuts the range by N+1), each worker in its own temporary worktree,
reused from round to round, with the installed dependencies linked in. Commits where the module does
not exist or does not load are skipped (exit 125), as git bisect skips them; the answer is the one git
bisect gives, and the result lists the "git bisect" commands that replay it. Your HEAD and bisect
state are never touched.

The shortcut: each scenario records every file it loaded, read or looked for (its processes' imports,
requires and file reads, hook commands' included), plus what resolution reads (package.json files
above them, the root's tsconfig and lockfile). A commit whose copy of all of them is byte-identical
to a tested commit's is decided without running ("not run: identical to SHA" in the steps, a comment
in the replay). A tested commit that contradicts it turns it off for the rest of the search.

Options
  --good REF, --bad REF     the endpoints
  --repo PATH               the checkout (default: current directory)
  --proof ID|FILE, --module PATH, --node PATH, --timeout SECONDS, --pass-env NAME,
  --command-timeout SECONDS as for "relay-proof run"; bisect follows one proof (not "all")
  --build, --cli PATH       also run the hook-command paths, at the endpoints and every step (each
                            step then builds its commit once; steps are scenario-only without them)
  --build-mode MODE         dev (default), full or source, as for "relay-proof run"
  --jobs N                  workers, one commit each per round (default: the cores available,
                            fewer when free memory is short: ~450 MB per scenario)
  --strategy kary|binary    kary (default; over a range with merges it follows the first-parent
                            line, as "git bisect --first-parent", and names a merge that brought
                            the change in), or binary: "git bisect run" over the whole graph, one
                            commit at a time, no shortcut
  --no-shortcut             run the scenario at every step the search picks (the shortcut is also
                            off with --build: the build is of the whole tree)
  --quiet                   no progress lines on stderr
  -h, --help                show this help

${outputHelp}

${receiptHelp}

Exit codes
  0 found, 125 no answer (only untestable commits left), 2 usage error (bad refs, endpoints that do
  not behave as --good/--bad)
`;

export const reportHelp = `relay-proof report: render a saved result for a PR, CI or a terminal

Usage
  relay-proof report RESULT.json [--format markdown|terminal|json|junit] [--template classic|full]

Renders a result written by --json-out (run, compare, bisect or merge). The default format is
markdown: the PR's "## Real behavior proof" section with the exact head SHA, environment, command,
a fenced capture of the [proof] lines, the observed result, what was not tested, and, for a
compare, the before evidence. --template full adds "What Problem This Solves" and "Evidence".
`;

export const demoHelp = `relay-proof demo: try relay-proof with no OpenClaw checkout

Usage
  relay-proof demo [--timeout SECONDS] [--quiet]

Builds relay-proof's bundled fixture history in a temporary directory (the V1 bug, a commit that
cannot load, shared state without generations, the V2 fix), runs "compare" from the bug base to
the fixed head and a short "bisect" between them, prints their reports, the commands to run on a
real checkout, and [proof] lines. Everything it made is removed, also on Ctrl-C. Needs git and
Node only: the fixture links relay-proof's own tsx; the focused Vitest tests are not run.

Options
  --timeout SECONDS    kill a scenario's process group after this long (default: 180)
  --quiet              no progress lines on stderr
  -h, --help           show this help

Exit codes
  0 the demo holds: fix verified and bisect found the fixing commit; 1 it does not; 125 cannot
  test here; 2 usage error; 130 interrupted
`;

export const verifyHelp = `relay-proof verify: check a receipt, and with --rerun reproduce it

Usage
  relay-proof verify RECEIPT [--result FILE] [--repo PATH] [--public-key FILE] [--proof FILE]... [--rerun]

Checks, one [verify] line each: the result's sha256 against the receipt's subject; the signature
(with --public-key); that the subject commit(s) exist in the repo; that the proof files' hashes are
those of the proofs this relay-proof has (or of the --proof files named); that the result's own lines
and verdict agree with the receipt's predicate. --rerun then runs the same proofs with the same flags
at that commit (in place when the repo is clean at it and the run was in place, else a temporary
worktree, as --ref) and compares every [proof] line; the keys a proof names in \`varies\` are
reported, not compared.

Options
  --result FILE        the result file the receipt names (--json-out), instead of the embedded copy
  --repo PATH          the checkout the commit belongs to (default: current directory)
  --public-key FILE    check the signature with this key (PREFIX.pub from relay-proof keygen PREFIX)
  --proof FILE         a proof file the receipt names, where it sits here (repeatable)
  --rerun              prove it again and compare every proof line
  --quiet              no progress lines on stderr
  -h, --help           show this help

Exit codes
  0 verified (and reproduced), 1 not verified (each failing line says why), 2 a receipt or result
  that cannot be read, or a usage error

Examples
  relay-proof run --no-tests --receipt r.json --sign-key k
  relay-proof verify r.json --public-key k.pub --rerun
`;

export const keygenHelp = `relay-proof keygen: write an Ed25519 key pair for signing receipts

Usage
  relay-proof keygen PREFIX

Writes PREFIX.key (the private key, PKCS#8 PEM, mode 600: run --sign-key) and PREFIX.pub (the public
key, SPKI PEM: verify --public-key), and prints the key id (the sha256 of the public key). Refuses
to overwrite either file.
`;
