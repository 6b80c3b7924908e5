/** Play `serial`: split hosts into batches like Ansible (number, percentage, or a growing list). */
import type { Serial } from '../core/index.ts';

function size(spec: number | `${number}%`, total: number): number {
  const n = typeof spec === 'number' ? spec : Math.floor((Number.parseFloat(spec) * total) / 100);
  return Math.max(1, Math.min(total, n));
}

/** Batches of host names, in order. */
export function serialBatches<T>(hosts: readonly T[], serial: Serial | undefined): T[][] {
  if (serial === undefined || hosts.length === 0) return [[...hosts]];
  const specs = Array.isArray(serial) ? serial : [serial as number | `${number}%`];
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const n = size(specs[Math.min(k, specs.length - 1)] as number | `${number}%`, hosts.length);
    out.push(hosts.slice(i, i + n));
    i += n;
    k += 1;
  }
  return out;
}
