/** The one loader of the data cases: every test/cases/modules/<module>/<case>.json through planTask, every
 *  test/cases/facts/<fact>/<case>.json through the fact's command and parse (pyinfra's tests/operations and tests/facts). */
import { describe, expect, it } from 'vitest';
import type { ExecOutput } from '../../src/core/index.ts';
import type { Change, HostFacts, Plan } from '../../src/index.ts';
import { taskFactory } from '../../src/index.ts';
import { debianFacts, planTask } from '../../src/testing/index.ts';
import { argOfKey, execOutput, factCases, jsonValue, moduleCases } from '../cases/load.ts';
import { factsByRef, modulesByName } from '../cases/registry.ts';
import type { ModuleCase } from '../cases/schema.ts';

const facts = await factsByRef();
const modules = modulesByName();

const summary = (c: Change): string => (c.kind === 'exec' ? c.command : c.kind === 'write' ? `write ${c.path}` : 'reboot');

/** The command → output table of a case's reads; also the keys no declared read asked for. */
function readsOf(c: ModuleCase, file: string): { serve: (cmd: string) => ExecOutput | undefined; unused: () => string[] } {
  const byCommand = new Map<string, { key: string; out: ExecOutput }>();
  for (const [ref, byArg] of Object.entries(c.reads ?? {})) {
    const fact = facts.get(ref, `${file}: reads.${ref}`);
    for (const [key, o] of Object.entries(byArg)) {
      const where = `reads.${ref}.${JSON.stringify(key)}`;
      const command = fact.command(argOfKey(key));
      byCommand.set(command, { key: where, out: execOutput(o, file, where, command) });
    }
  }
  const used = new Set<string>();
  return {
    serve: (cmd) => {
      const hit = byCommand.get(cmd);
      if (hit) used.add(hit.key);
      return hit?.out;
    },
    unused: () => [...byCommand.values()].map((v) => v.key).filter((k) => !used.has(k)),
  };
}

function textExpect(actual: string | undefined, want: string | { match: string }, what: string): void {
  if (typeof want === 'string') expect(actual, what).toBe(want);
  else expect(actual, what).toMatch(new RegExp(want.match));
}

describe('module cases (test/cases/modules)', () => {
  const cases = moduleCases();
  it('there are cases', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases.map((c) => [`${c.subject}/${c.name}: ${c.content.description}`, c] as const))('%s', (_, { file, subject, content: c }) => {
    const module = modules.get(subject);
    if (!module) throw new Error(`${file}: no module named '${subject}' (the directory names the module): ${[...modules.keys()].join(', ')}`);
    const task = taskFactory(module)(c.args);
    const reads = readsOf(c, file);
    const input = { facts: debianFacts(c.facts as Partial<HostFacts> | undefined), vars: c.vars ?? {}, diff: c.diffMode ?? true, reads: reads.serve };
    if (c.refused !== undefined) {
      expect(() => planTask(task, input), file).toThrow(c.refused);
      return;
    }
    let planned: { plan: Plan<unknown>; reads: readonly string[] };
    try {
      planned = planTask(task, input);
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
    expect(reads.unused(), `${file}: reads the module did not declare`).toEqual([]);
    const { plan } = planned;
    const want = c.expect!;
    if (want.changes) expect(plan.changes.map(jsonValue), `${file}: changes`).toEqual(want.changes);
    if (want.commands) expect(plan.changes.map(summary), `${file}: commands`).toEqual(want.commands);
    if (want.diff) expect(plan.diff ?? [], `${file}: diff`).toEqual(want.diff);
    if (want.msg !== undefined) textExpect(plan.msg, want.msg, `${file}: msg`);
    if (want.failed !== undefined) textExpect(plan.failed, want.failed, `${file}: failed`);
    else expect(plan.failed, `${file}: the plan failed (say so with expect.failed)`).toBeUndefined();
    if (want.skipped !== undefined) textExpect(plan.skipped, want.skipped, `${file}: skipped`);
    if (want.output !== undefined) expect(jsonValue(plan.output), `${file}: output`).toEqual(want.output);
    if (want.refreshFacts !== undefined) expect(plan.refreshFacts ?? false, `${file}: refreshFacts`).toBe(want.refreshFacts);
    if (want.setVars) expect(plan.setVars, `${file}: setVars`).toEqual(want.setVars);
    if (want.reads) expect(planned.reads, `${file}: reads`).toEqual(want.reads);
  });
});

describe('fact cases (test/cases/facts)', () => {
  const cases = factCases();
  it('there are cases', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases.map((c) => [`${c.subject}/${c.name}: ${c.content.description}`, c] as const))('%s', (_, { file, subject, content: c }) => {
    const fact = facts.get(subject, `${file}: the directory`);
    expect(fact.command(c.arg), `${file}: command`).toBe(c.command);
    const out = execOutput(c.output, file, 'output', c.command);
    if (c.throws !== undefined) expect(() => fact.parse(out, c.arg), file).toThrow(new RegExp(c.throws));
    // JSON has no undefined: a fact that parses to undefined is written null
    else expect(jsonValue(fact.parse(out, c.arg) ?? null), `${file}: fact`).toEqual(c.fact);
  });
});
