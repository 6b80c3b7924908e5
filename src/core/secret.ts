/** Secret values: registered once, redacted from every output (reporters, diffs, JSON). */

const secrets = new Set<string>();
/** Replacement text for secrets. */
export const REDACTED = '********';

/** Mark a value as secret and return it unchanged, so it can still be used in args and templates. */
export function secret<T extends string>(value: T): T {
  if (value.length > 0) secrets.add(value);
  return value;
}

/** Whether any secrets are registered. */
export function hasSecrets(): boolean {
  return secrets.size > 0;
}

/** Replace every registered secret in `text`. Longer secrets first so overlapping ones are fully hidden. */
export function redact(text: string): string {
  if (secrets.size === 0 || !text) return text;
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
  return out;
}

/** Deep-redact strings (values and keys) inside a JSON-like value; walking, not stringifying, so escaped characters cannot hide a secret. */
export function redactDeep<T>(value: T): T {
  if (secrets.size === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [redact(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}
