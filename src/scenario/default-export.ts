/**
 * A proof module's default export. A .ts file outside a `"type": "module"` package loads as
 * CommonJS, which arrives as `default` = its exports object, marked `__esModule`: its own `default`
 * is the export.
 */
export function defaultExport(module: { default?: unknown }): unknown {
  const value = module.default as { __esModule?: unknown; default?: unknown } | undefined;
  return value && typeof value === "object" && value.__esModule === true ? value.default : value;
}
