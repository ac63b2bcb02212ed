import { describe, expect, it } from "vitest";
import { checkPassEnv, installEnv, targetEnv } from "../../src/process/target-env.ts";

const caller = {
  PATH: "/usr/bin",
  LANG: "C.UTF-8",
  LC_ALL: "C.UTF-8",
  TZ: "UTC",
  CI: "true",
  HTTPS_PROXY: "http://proxy:3128",
  NODE_EXTRA_CA_CERTS: "/etc/ca.pem",
  HOME: "/home/me",
  GITHUB_TOKEN: "ghs_secret",
  OPENAI_API_KEY: "sk-secret",
  AWS_SECRET_ACCESS_KEY: "aws-secret",
  NODE_OPTIONS: "--require /tmp/evil.js",
  npm_config_registry: "https://registry.example.invalid/",
  NPM_TOKEN: "npm-secret",
  OPENAI_BASE_URL: "http://127.0.0.1:9",
};

describe("targetEnv", () => {
  it("passes the allowlist and drops secrets, HOME and NODE_OPTIONS", () => {
    expect(targetEnv({ base: caller })).toEqual({
      PATH: "/usr/bin",
      LANG: "C.UTF-8",
      LC_ALL: "C.UTF-8",
      TZ: "UTC",
      CI: "true",
      HTTPS_PROXY: "http://proxy:3128",
      NODE_EXTRA_CA_CERTS: "/etc/ca.pem",
    });
  });

  it("adds a --pass-env name, and what relay-proof sets wins", () => {
    const env = targetEnv({ base: caller, passEnv: ["OPENAI_BASE_URL"], set: { HOME: "/sandbox", CI: "1" } });
    expect(env.OPENAI_BASE_URL).toBe("http://127.0.0.1:9");
    expect(env.HOME).toBe("/sandbox");
    expect(env.CI).toBe("1");
    expect(env.GITHUB_TOKEN).toBeUndefined();
  });

  it("gives an install its registry settings and HOME, but no tokens", () => {
    const env = installEnv({ base: caller });
    expect(env.npm_config_registry).toBe("https://registry.example.invalid/");
    expect(env.HOME).toBe("/home/me");
    expect(env.NPM_TOKEN).toBeUndefined();
    expect(env.GITHUB_TOKEN).toBeUndefined();
    expect(env.NODE_OPTIONS).toBeUndefined();
  });

  it("refuses a --pass-env value that is not a variable name, naming the fix", () => {
    expect(() => checkPassEnv(["FOO=bar"])).toThrow(
      /--pass-env needs an environment variable name, got "FOO=bar"/,
    );
    expect(checkPassEnv(["A", "A", "B_2"])).toEqual(["A", "B_2"]);
  });
});
