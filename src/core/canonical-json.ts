/** Canonical JSON for config files a role writes whole (the cluster roles' docker daemon.json and consul agent config). */

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** Canonical JSON: object keys sorted at every level (arrays keep their order), 2-space indent, trailing newline, so
 *  equal configs are equal bytes and a module comparing file content sees no change from key order alone. */
export function canonicalJson(v: unknown): string {
  return `${JSON.stringify(sortDeep(v), null, 2)}\n`;
}

/** Compact canonical JSON (sorted keys, no whitespace): an identity key for a value, e.g. a read's argument. */
export function stableJson(v: unknown): string {
  return JSON.stringify(sortDeep(v)) ?? 'undefined';
}
