import { describe, expect, it } from "vitest";
import { resolveTsxLoader } from "../../src/checkout/tsx-loader.ts";
import { fixtureRepo } from "../helpers/fixture-repo.ts";

describe("resolveTsxLoader", () => {
  it("prefers the checkout's own tsx", () => {
    const repo = fixtureRepo();
    expect(resolveTsxLoader(repo.root)).toMatchObject({
      source: "target",
      url: expect.stringMatching(/^file:.*loader\.mjs$/),
    });
  });

  it("falls back to relay-proof's tsx when the checkout has none", () => {
    const repo = fixtureRepo({ tsx: false });
    expect(resolveTsxLoader(repo.root)).toMatchObject({ source: "relay-proof" });
  });
});
