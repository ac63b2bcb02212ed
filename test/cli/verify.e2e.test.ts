import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { fixtureRepo, leftoversIn, tempDir } from "../helpers/fixture-repo.ts";

async function cli(args: string[], cwd: string, tmp: string) {
  return runCli(args, { cwd, env: { TMPDIR: tmp } });
}

describe("relay-proof run --receipt and verify (end to end)", () => {
  it("signs a run's receipt, verifies and reproduces it, and names the line an edit changed", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const tmp = tempDir();
    const out = tempDir();
    const key = join(out, "k");
    const receipt = join(out, "r.json");
    const keygen = await cli(["keygen", key], repo.root, tmp);
    expect(keygen.exitCode).toBe(0);
    expect(keygen.stdout).toMatch(/k\.key \(private, mode 600/);

    const run = await cli(
      [
        "run",
        "--no-tests",
        "--quiet",
        "--receipt",
        receipt,
        "--sign-key",
        key,
        "--markdown-out",
        join(out, "p.md"),
      ],
      repo.root,
      tmp,
    );
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("[proof] verdict=holds");
    expect(readFileSync(join(out, "p.md"), "utf8").trimEnd().split("\n").at(-1)).toBe(
      "- **Check this proof:** `relay-proof verify r.json --public-key k.pub --rerun`",
    );

    const verify = await cli(
      ["verify", receipt, "--public-key", `${key}.pub`, "--rerun", "--quiet"],
      repo.root,
      tmp,
    );
    expect(verify.stderr).toBe("");
    expect(verify.exitCode).toBe(0);
    const lines = verify.stdout.trimEnd().split("\n");
    expect(lines.map((line) => /^\[verify\] ([^=]+)=(\S+)/.exec(line)?.slice(1, 3).join("="))).toEqual([
      "result-digest=ok",
      "signature=ok",
      "commit=ok",
      "proof-files=ok",
      "statement=ok",
      "lines=ok",
      "rerun=ok",
      "verdict=verified",
    ]);
    expect(lines[6]).toMatch(
      /proof lines reproduced in place .* verdict holds; not compared, named in varies: cli, gateway-server$/,
    );

    // An edited proof line in the result: the digest and the line that names it.
    const signed = JSON.parse(readFileSync(receipt, "utf8"));
    const edited = structuredClone(signed);
    const at = edited.result.proofLines.indexOf("[proof] api=v2");
    edited.result.proofLines[at] = "[proof] api=v3";
    writeFileSync(join(out, "edited.json"), JSON.stringify(edited));
    const caught = await cli(
      ["verify", join(out, "edited.json"), "--public-key", `${key}.pub`],
      repo.root,
      tmp,
    );
    expect(caught.exitCode).toBe(1);
    expect(caught.stdout).toMatch(/^\[verify\] result-digest=FAILED .* the result was changed$/m);
    expect(caught.stdout).toContain("[verify] lines=FAILED [proof] api=v3: the result's own api is v2");
    expect(caught.stdout.trimEnd().split("\n").at(-1)).toBe("[verify] verdict=not-verified");

    // An edited SHA in the receipt's statement: the signature no longer matches.
    const statement = JSON.parse(Buffer.from(signed.dsseEnvelope.payload, "base64").toString());
    statement.subject[0].digest.gitCommit = "0".repeat(40);
    const resigned = structuredClone(signed);
    resigned.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    writeFileSync(join(out, "sha.json"), JSON.stringify(resigned));
    const sha = await cli(["verify", join(out, "sha.json"), "--public-key", `${key}.pub`], repo.root, tmp);
    expect(sha.exitCode).toBe(1);
    expect(sha.stdout).toMatch(/^\[verify\] signature=FAILED .*changed after it was signed$/m);
    expect(sha.stdout).toMatch(/^\[verify\] commit=FAILED 0{40} \(head\) is not a commit of /m);
    expect(leftoversIn(tmp)).toEqual([]);
  });

  it("names a proof line the rerun does not reproduce, in an unsigned receipt edited to agree with itself", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const tmp = tempDir();
    const out = tempDir();
    const receipt = join(out, "r.json");
    expect((await cli(["run", "--no-tests", "--quiet", "--receipt", receipt], repo.root, tmp)).exitCode).toBe(
      0,
    );
    // Forge it: the line, the value behind it and the digest, all consistent; only a rerun can tell.
    const forged = JSON.parse(readFileSync(receipt, "utf8"));
    forged.result.scenario.info.api = "v3";
    forged.result.proofLines = forged.result.proofLines.map((line: string) =>
      line === "[proof] api=v2" ? "[proof] api=v3" : line,
    );
    const statement = JSON.parse(Buffer.from(forged.dsseEnvelope.payload, "base64").toString());
    statement.subject[1].digest.sha256 = createHash("sha256")
      .update(`${JSON.stringify(forged.result, null, 2)}\n`)
      .digest("hex");
    forged.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    writeFileSync(receipt, JSON.stringify(forged));
    // A dirty work tree: the rerun proves the commit in a temporary worktree instead.
    writeFileSync(join(repo.root, "untracked-note.txt"), "x");
    const verify = await cli(["verify", receipt, "--rerun", "--quiet"], repo.root, tmp);
    expect(verify.stdout).toMatch(/^\[verify\] signature=not-checked not checked: the receipt is unsigned/m);
    expect(verify.stdout).toMatch(/^\[verify\] lines=ok /m);
    expect(verify.stdout).toMatch(
      /^\[verify\] rerun=FAILED 1 of \d+ proof lines differ in a temporary worktree/m,
    );
    expect(verify.stdout).toContain("[verify] rerun.api=FAILED the receipt says v3, the rerun v2");
    expect(verify.exitCode).toBe(1);
    expect(leftoversIn(tmp)).toEqual([]);
  });

  it("refuses a receipt it cannot read, and a bad --sign-key before any work, in one line (exit 2)", async () => {
    const repo = fixtureRepo({ variant: "v2-correct" });
    const tmp = tempDir();
    const out = tempDir();
    writeFileSync(join(out, "junk.json"), "\u0000\u001b[31mnot json");
    const junk = await cli(["verify", join(out, "junk.json")], repo.root, tmp);
    expect(junk.exitCode).toBe(2);
    expect(junk.stdout).toBe("");
    expect(junk.stderr).toMatch(
      /^relay-proof: receipt .*junk\.json is not JSON: .*\(pass the file relay-proof run --receipt FILE wrote\)\n$/,
    );
    const receipt = join(out, "r.json");
    const bad = await cli(
      ["run", "--no-tests", "--receipt", receipt, "--sign-key", join(out, "none")],
      repo.root,
      tmp,
    );
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^relay-proof: --sign-key: cannot read .*none.*\n$/);
    expect(existsSync(receipt)).toBe(false);
    expect(leftoversIn(tmp)).toEqual([]);
  });
});
