#!/usr/bin/env node
// Step "Install the target's dependencies" of action.yml: provisions the package manager the
// target's packageManager names (exact version, into RUNNER_TEMP, and onto PATH for the later steps,
// where relay-proof installs a base whose lockfile differs) and installs with a frozen lockfile and
// no lifecycle scripts. Input install: false skips it: the caller installed the target already.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { addPath, errorAnnotation } from "./github.mjs";

/** "pnpm@11.2.2+sha512.abc" -> { name: "pnpm", version: "11.2.2" }; none means npm. */
export function parsePackageManager(value) {
  const [name, version] = (value || "npm").split("+")[0].split("@");
  return { name, version: version || undefined };
}

/** The npm package that ships a package manager's binary, and its frozen, script-less install. */
export function installPlan({ name, version }) {
  const classicYarn = name === "yarn" && (version ?? "1").startsWith("1.");
  const packages = { npm: "npm", pnpm: "pnpm", yarn: classicYarn ? "yarn" : "@yarnpkg/cli-dist" };
  const install = {
    npm: ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
    pnpm: ["pnpm", "install", "--frozen-lockfile", "--ignore-scripts"],
    yarn: classicYarn
      ? ["yarn", "install", "--frozen-lockfile", "--ignore-scripts"]
      : ["yarn", "install", "--immutable", "--mode=skip-build"],
  };
  if (!packages[name]) return undefined;
  return { package: packages[name], install: install[name] };
}

function run(command, cwd) {
  console.log(`relay-proof action: ${command.join(" ")}`);
  const result = spawnSync(command[0], command.slice(1), { cwd, stdio: "inherit" });
  return result.status ?? 1;
}

function fail(message, code = 1) {
  console.log(errorAnnotation(message));
  process.exit(code);
}

const plan = JSON.parse(readFileSync(process.env.RELAY_PROOF_PLAN ?? "", "utf8"));
if (!plan.install) {
  console.log("relay-proof action: install: false, the target's dependencies are used as they are");
  process.exit(0);
}
const manager = parsePackageManager(plan.packageManager);
const steps = installPlan(manager);
if (!steps)
  fail(`packageManager "${plan.packageManager}" is not supported (npm, pnpm or yarn); set install: false`, 2);
const bundledNpm = spawnSync("npm", ["--version"], { encoding: "utf8" }).stdout?.trim();
if (manager.version && !(manager.name === "npm" && manager.version === bundledNpm)) {
  const prefix = join(plan.root, "package-manager");
  const spec = `${steps.package}@${manager.version}`;
  const code = run(
    ["npm", "install", "--global", "--prefix", prefix, "--no-audit", "--no-fund", spec],
    plan.root,
  );
  if (code !== 0) fail(`could not install ${spec} (npm exit ${code})`);
  addPath(join(prefix, "bin"));
}
const lockfiles = { npm: "package-lock.json", pnpm: "pnpm-lock.yaml", yarn: "yarn.lock" };
if (!existsSync(join(plan.workingDirectory, lockfiles[manager.name]))) {
  fail(`${plan.workingDirectory} has no ${lockfiles[manager.name]}: a frozen install needs the lockfile`, 2);
}
const code = run(steps.install, plan.workingDirectory);
if (code !== 0)
  fail(`installing the target's dependencies failed: ${steps.install.join(" ")} (exit ${code})`);
