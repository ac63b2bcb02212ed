// --coverage inside the scenario child: V8 precise (block) coverage through the in-process inspector,
// written for the wanted files only, in NODE_V8_COVERAGE's own format. Measured on a real checkout,
// NODE_V8_COVERAGE on the child cost +0.9 s a run (it serialises ~1000 modules and their source
// maps); this costs what the blocks of the wanted files cost. The hook commands the scenario starts
// are separate processes: they get NODE_V8_COVERAGE (see context.ts).
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { filePathOf as pathOf } from "../../coverage/file-url.ts";

interface ScriptCoverage {
  scriptId: string;
  url: string;
  functions: unknown[];
}

/** The inline source map a compiled module carries (tsx appends one), with its generated line lengths. */
function inlineSourceMap(source: string): { lineLengths: number[]; data: unknown } | undefined {
  const match =
    /\/\/# sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(
      source,
    );
  if (!match?.[1]) return undefined;
  try {
    const data = JSON.parse(Buffer.from(match[1], "base64").toString("utf8")) as unknown;
    return { lineLengths: source.split("\n").map((line) => line.length), data };
  } catch {
    return undefined;
  }
}

export interface ChildCoverage {
  /** Take the coverage and write the wanted files' part as one NODE_V8_COVERAGE-style file. */
  write(): Promise<void>;
}

export async function startChildCoverage(dir: string, files: readonly string[]): Promise<ChildCoverage> {
  const wanted = new Set(files);
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });
  return {
    async write() {
      const { result } = (await session.post("Profiler.takePreciseCoverage")) as { result: ScriptCoverage[] };
      await session.post("Profiler.stopPreciseCoverage");
      const scripts = result.filter((script) => {
        const path = pathOf(script.url);
        return path !== undefined && wanted.has(path);
      });
      const maps: Record<string, unknown> = {};
      if (scripts.length > 0) {
        // Scripts compiled before the debugger was enabled keep their source: fetch only the wanted ones.
        await session.post("Debugger.enable");
        for (const script of scripts) {
          try {
            const { scriptSource } = (await session.post("Debugger.getScriptSource", {
              scriptId: script.scriptId,
            })) as { scriptSource: string };
            const map = inlineSourceMap(scriptSource);
            if (map) maps[script.url] = { ...map, url: null };
          } catch {
            // no source: the file's lines stay unmapped, never hit
          }
        }
        await session.post("Debugger.disable");
      }
      session.disconnect();
      const body = {
        result: scripts.map(({ url, functions }) => ({ url, functions })),
        "source-map-cache": maps,
      };
      writeFileSync(join(dir, `coverage-child-${process.pid}.json`), JSON.stringify(body));
    },
  };
}
