/** Canonical JSON for the config files the cluster roles write (docker's daemon.json, consul's agent config). */

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** Canonical JSON: keys sorted at every level, 2-space indent, trailing newline (so equal configs are equal bytes). */
export function canonicalJson(v: unknown): string {
  return `${JSON.stringify(sortDeep(v), null, 2)}\n`;
}
