/** Secret values: registered once, redacted from every output (reporters, diffs, JSON). */

// One rig per process: a second copy (a role package with its own node_modules/rig) would register its secrets in a
// registry the reporters never see, and print them. Refuse it where it loads, saying which copies and what to do.
const ENGINE = Symbol.for('rig.engine');
const registry = globalThis as { [ENGINE]?: string };
const thisCopy = import.meta.url;
if (registry[ENGINE] !== undefined && registry[ENGINE] !== thisCopy) {
  const where = (u: string): string => decodeURIComponent(new URL(u).pathname).replace(/\/(src|dist\/src)\/core\/secret\.[jt]s$/, '');
  throw new Error(
    `two copies of rig are loaded: ${where(registry[ENGINE])} (running) and ${where(thisCopy)}; one copy must run (the other's secrets would not be redacted, its errors not recognised). Make rig a peerDependency of the package that brings the second copy, and remove that copy (npm dedupe, or delete its node_modules/rig)`,
  );
}
registry[ENGINE] = thisCopy;

const secrets = new Set<string>();
// longest first, rebuilt only when a secret is added (redact runs on every string of every output)
let ordered: readonly string[] = [];
/** Replacement text for secrets. */
export const REDACTED = '********';

/**
 * Mark a value as secret and return it unchanged, so it can still be used in args and templates. Its escaped forms are
 * registered too — as JSON writes it (a message showing a value, the --json report) and as a shell single-quotes it (a
 * command shown with -v) — so a secret with a quote, backslash or newline is hidden wherever it is printed.
 * Line breaks at its start and end are not part of what is hidden (a password file's `pw\n`): the text keeps its lines
 * (a diff of a file holding only the secret stays one line ending in a newline), and the value is hidden also where an
 * output lost them (a command's stdout, whose trailing newlines are stripped).
 */
export function secret<T extends string>(value: T): T {
  const core = value.replace(/^[\r\n]+|[\r\n]+$/g, '');
  if (core.length > 0 && !secrets.has(core)) {
    for (const form of [core, JSON.stringify(core).slice(1, -1), core.replace(/'/g, `'\\''`), JSON.stringify(core.replace(/'/g, `'\\''`)).slice(1, -1)]) secrets.add(form);
    ordered = [...secrets].sort((a, b) => b.length - a.length);
  }
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
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * Deep-redact strings (values and keys) inside a JSON-like value; walking, not stringifying, so escaped characters cannot
 * hide a secret. Parts without a secret are returned as they are, not copied (a 1000-host --json report is ~25k results).
 */
export function redactDeep<T>(value: T): T {
  return secrets.size === 0 ? value : (walk(value) as T);
}

function walk(v: unknown): unknown {
  if (typeof v === 'string') return redact(v);
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    v.forEach((x: unknown, i) => {
      const r = walk(x);
      if (r !== x) (out ??= [...v])[i] = r;
    });
    return out ?? v;
  }
  if (v !== null && typeof v === 'object') {
    let out: Record<string, unknown> | undefined;
    const keys = Object.keys(v);
    keys.forEach((k, i) => {
      const x = (v as Record<string, unknown>)[k];
      const rk = redact(k);
      const r = walk(x);
      // on the first change, copy the keys before it; from then on every key is copied, in order
      if (!out && (r !== x || rk !== k)) out = Object.fromEntries(keys.slice(0, i).map((key) => [key, (v as Record<string, unknown>)[key]]));
      if (out) out[rk] = r;
    });
    return out ?? v;
  }
  return v;
}
