/** Deep redaction by walking the value, so secrets containing characters JSON escapes (`"`, `\`, newlines) are caught. */
import { redact } from '../core/secret.ts';

/** A JSON-like value with every string (values and keys) passed through `redact`. */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redact(k)] = redactValue(v);
    return out;
  }
  return value;
}
