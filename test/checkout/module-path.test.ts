import { describe, expect, it } from "vitest";
import { locateModule } from "../../src/checkout/module-path.ts";
import { isRelayProofError } from "../../src/errors.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

describe("locateModule", () => {
  it("takes the first existing candidate", () => {
    const repo = fixtureRepo();
    expect(locateModule(repo.root, ["src/missing.ts", "src/agents/harness/native-hook-relay.ts"])).toEqual({
      found: true,
      path: `${repo.root}/src/agents/harness/native-hook-relay.ts`,
      relative: "src/agents/harness/native-hook-relay.ts",
    });
  });

  it("reports missing default candidates as data (this commit cannot be tested)", () => {
    const repo = fixtureRepo();
    expect(locateModule(repo.root, ["src/missing.ts"])).toEqual({ found: false, tried: ["src/missing.ts"] });
  });

  it("throws a usage error for a --module path that does not exist", () => {
    const repo = fixtureRepo();
    let caught: unknown;
    try {
      locateModule(repo.root, [], "src/nope.ts");
    } catch (error) {
      caught = error;
    }
    expect(isRelayProofError(caught) && caught.code).toBe("MODULE_NOT_FOUND");
  });
});
