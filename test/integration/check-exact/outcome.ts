/** What a run did on one host, task by task (and loop item by item), and the comparison of check mode with a real run. */
import { isDeepStrictEqual } from 'node:util';
import type { Diff, RunSummary } from '../../../src/index.ts';

/** One task's (or loop item's) result as compared: status and diffs; `predicted` is not compared, `msg` only shown. */
export interface Outcome {
  readonly task: string;
  readonly status: string;
  readonly diff: readonly Diff[];
  readonly msg?: string;
  readonly items?: readonly Outcome[];
}

/** A run's outcomes on `host`, in task order; a run that threw is one outcome with status 'threw'. */
export function outcomesOf(run: RunSummary | Error, host: string): Outcome[] {
  if (run instanceof Error) return [{ task: '(runPlaybook)', status: 'threw', diff: [], msg: run.message }];
  return run.results.filter((r) => r.host === host).map(function one(r): Outcome {
    return {
      task: r.task,
      status: r.status,
      diff: (r.diff ?? []).map((d) => ({ path: d.path, before: d.before, after: d.after })),
      ...(r.msg !== undefined ? { msg: r.msg } : {}),
      ...(r.items ? { items: r.items.map(one) } : {}),
    };
  });
}

const same = (a: Outcome | undefined, b: Outcome | undefined): boolean =>
  a !== undefined &&
  b !== undefined &&
  a.task === b.task &&
  a.status === b.status &&
  isDeepStrictEqual(a.diff, b.diff) &&
  (a.items?.length ?? -1) === (b.items?.length ?? -1) &&
  (a.items ?? []).every((x, i) => same(x, b.items![i]));

/** Differences between check-mode and real outcomes ([] = exact), as readable lines. */
export function mismatches(check: readonly Outcome[], real: readonly Outcome[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.max(check.length, real.length); i++) {
    const c = check[i];
    const r = real[i];
    if (same(c, r)) continue;
    out.push(`task ${c?.task ?? r?.task}: check ${show(c)} | real ${show(r)}`);
    const ci = c?.items ?? [];
    const ri = r?.items ?? [];
    for (let j = 0; j < Math.max(ci.length, ri.length); j++) {
      if (!same(ci[j], ri[j])) out.push(`    item ${j}: check ${show(ci[j])} | real ${show(ri[j])}`);
    }
    if (c && r && !isDeepStrictEqual(c.diff, r.diff)) out.push(`    diff check: ${JSON.stringify(c.diff)}`, `    diff real:  ${JSON.stringify(r.diff)}`);
  }
  return out;
}

function show(o: Outcome | undefined): string {
  if (!o) return '(not run)';
  return `${o.status}${o.msg && o.status !== 'ok' && o.status !== 'changed' ? ` (${o.msg})` : ''}`;
}

/** Outcomes as a table, one task (and loop item) per line. */
export function table(os: readonly Outcome[]): string {
  return os
    .flatMap((o) => [
      `    ${o.task} => ${o.status}${o.msg ? ` (${o.msg})` : ''}${o.diff.length ? ` diff ${JSON.stringify(o.diff)}` : ''}`,
      ...(o.items ?? []).map((it, j) => `      item ${j} => ${it.status}${it.msg ? ` (${it.msg})` : ''}`),
    ])
    .join('\n');
}
