import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { playPatternWarnings, validatePlaybook } from '../../../src/cli/validate.ts';
import { playHosts } from '../../../src/runner/index.ts';
import { ExitCode, ValidationError } from '../../../src/core/errors.ts';
import { command, defineHandler, definePlaybook, type Playbook } from '../../../src/index.ts';
import { expandLimit, loadInventory, type Inventory } from '../../../src/inventory/index.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** An inventory directory with web1..web3 (group web) and db1 (group db). */
async function inventory(): Promise<Inventory> {
  const dir = tempDir('rig-validate-');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'hosts.yml'), 'all:\n  children:\n    web:\n      hosts: { web1: , web2: , web3: }\n    db:\n      hosts: { db1: }\n    empty:\n');
  return loadInventory(dir);
}

function problemsOf(pb: Playbook, inv: Inventory, limit?: string): ValidationError['problems'] {
  try {
    validatePlaybook(pb, inv, limit);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.problems;
  }
  return [];
}

describe('validatePlaybook: host patterns and --limit', () => {
  const play = definePlaybook({ hosts: 'web', tasks: [command({ cmd: ['true'] })] });

  // -l '' and friends used to select every host; now nothing is contacted and the pattern is named
  const limits: [string, string][] = [
    ['', 'the host pattern is empty'],
    [' ', 'the host pattern is empty'],
    [',', 'the host pattern has only separators and whitespace, no host or group'],
    [',,', 'the host pattern has only separators and whitespace, no host or group'],
    [':', 'the host pattern has only separators and whitespace, no host or group'],
    ['[', 'the host pattern has an unpaired "[" or "]" and no host or group'],
    [']', 'the host pattern has an unpaired "[" or "]" and no host or group'],
    ['web[0', '"web[0" has a "[" or "]" without its pair'],
    ['web[0:x]', '"web[0:x]": "[0:x]" is not a valid subscript'],
    ['nosuch', '"nosuch" matches no host and no group'],
  ];
  for (const [limit, message] of limits) {
    it(`-l ${JSON.stringify(limit)}: one error at --limit (exit ${ExitCode.badInput}), not once per play`, async () => {
      const inv = await inventory();
      const twoPlays = definePlaybook({ hosts: 'web', tasks: [] }, { hosts: 'db', tasks: [] });
      expect(problemsOf(twoPlays, inv, limit).map((p) => [p.where, p.message])).toEqual([[`--limit ${JSON.stringify(limit)}`, message]]);
    });
  }

  it('no --limit and a good one pass', async () => {
    const inv = await inventory();
    expect(problemsOf(play, inv)).toEqual([]);
    expect(problemsOf(play, inv, 'web1,db1')).toEqual([]);
  });

  it('definePlaybook({ hosts: "" }) and a blank one are refused where they are defined (by the play schema)', () => {
    for (const blank of ['', ' ']) expect(() => definePlaybook({ hosts: blank, tasks: [] })).toThrow(/validate\.test\.ts:\d+: play: hosts: hosts must not be empty/);
  });

  const hosts: [string, string][] = [
    [',', 'hosts ",": the host pattern has only separators and whitespace, no host or group'],
    [':', 'hosts ":": the host pattern has only separators and whitespace, no host or group'],
    ['[', 'hosts "[": the host pattern has an unpaired "[" or "]" and no host or group'],
    ['web[', 'hosts "web[": "web[" has a "[" or "]" without its pair'],
  ];
  for (const [pattern, message] of hosts) {
    it(`definePlaybook({ hosts: ${JSON.stringify(pattern)} }): named at the play's file:line`, async () => {
      const pb = definePlaybook({ hosts: pattern, tasks: [] });
      const problems = problemsOf(pb, await inventory());
      expect(problems.map((p) => [p.where, p.message])).toEqual([[pb.plays[0]!.definedAt, message]]);
      expect(pb.plays[0]!.definedAt).toMatch(/validate\.test\.ts:\d+$/);
      expect(problems[0]!.hint).toBeTruthy();
    });
  }
});

describe('play patterns matching nothing are skipped with a warning, as Ansible does (kubespray: hosts: calico_rr)', () => {
  const cases: { hosts: string; limit?: string; selected: string[]; warned: string[] }[] = [
    { hosts: 'calico_rr', selected: [], warned: ['calico_rr'] },
    { hosts: 'web:calico_rr', selected: ['web1', 'web2', 'web3'], warned: ['calico_rr'] },
    { hosts: 'webb,db', selected: ['db1'], warned: ['webb'] },
    { hosts: 'web:&nosuch', selected: [], warned: ['nosuch'] },
    { hosts: 'web:!nosuch', selected: ['web1', 'web2', 'web3'], warned: ['nosuch'] },
    { hosts: 'empty', selected: [], warned: [] },
    { hosts: 'db', limit: 'web', selected: [], warned: [] },
    { hosts: 'localhost', selected: ['localhost'], warned: [] },
    { hosts: 'web', selected: ['web1', 'web2', 'web3'], warned: [] },
  ];
  for (const c of cases) {
    it(`hosts ${JSON.stringify(c.hosts)}${c.limit ? ` -l ${c.limit}` : ''} → [${c.selected.join(', ')}], warned about [${c.warned.join(', ')}]`, async () => {
      const inv = await inventory();
      const pb = definePlaybook({ hosts: c.hosts, tasks: [command({ cmd: ['true'] })] });
      expect(problemsOf(pb, inv, c.limit)).toEqual([]);
      expect(playHosts(inv, c.hosts, c.limit)).toEqual(c.selected);
      const warnings = playPatternWarnings(pb, inv);
      expect(warnings.map((w) => w.message.match(/"([^"]+)" matches no host and no group/)?.[1])).toEqual(c.warned);
      for (const w of warnings) expect(w.where).toBe(pb.plays[0]!.definedAt);
    });
  }

  it('a --limit that leaves no host (an empty group, only the implicit localhost) is an error, as Ansible exits there', async () => {
    const inv = await inventory();
    const pb = definePlaybook({ hosts: 'all', tasks: [] });
    for (const limit of ['empty', 'localhost']) {
      expect(problemsOf(pb, inv, limit).map((p) => [p.where, p.message])).toEqual([[`--limit ${JSON.stringify(limit)}`, 'the limit leaves no hosts to target']]);
    }
  });

  it('the implicit localhost runs on the controller with the vars of `all`, is not in `all`, and a real localhost wins', async () => {
    const inv = await inventory();
    expect(playHosts(inv, 'all', undefined)).not.toContain('localhost');
    for (const name of ['localhost', '127.0.0.1', '::1']) {
      const h = inv.host(name)!;
      expect([h.name, h.connection, h.vars.ansible_connection]).toEqual([name, 'local', 'local']);
    }
    const dir = tempDir('rig-validate-local-');
    writeFileSync(path.join(dir, 'hosts.yml'), 'all:\n  hosts:\n    localhost: { ansible_host: 10.0.0.9 }\n');
    const real = await loadInventory(dir);
    expect([real.host('localhost')!.connection, real.host('localhost')!.ssh.address]).toEqual([undefined, '10.0.0.9']);
    expect(playHosts(real, 'all', undefined)).toEqual(['localhost']);
  });
});

describe('--limit @file reads host patterns from a file (Ansible retry files)', () => {
  const dir = tempDir('rig-limit-file-');
  writeFileSync(path.join(dir, 'retry'), 'db1\n\n  web2  \n');
  writeFileSync(path.join(dir, 'blank'), '\n \n');
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  it.each([
    ['@retry', 'db1,web2'],
    ['web1,@retry', 'web1,db1,web2'],
    ['web', 'web'],
  ])('%s → %s', async (limit, expanded) => {
    expect(await expandLimit(limit, dir)).toBe(expanded);
  });
  it.each([
    ['@missing', /limit file \/\S+\/missing not found/],
    ['@sub', /must be a file, not a directory/],
    ['@blank', /lists no host/],
  ])('%s is refused', async (limit, message) => {
    await expect(expandLimit(limit, dir)).rejects.toThrow(message);
  });
});

describe('validatePlaybook: a static delegateTo names an inventory host', () => {
  const cases: { name: string; delegateTo: string | (() => string); message?: RegExp; hint?: RegExp }[] = [
    { name: 'a host of the inventory', delegateTo: 'db1' },
    { name: 'a host of the inventory outside the play', delegateTo: 'web2' },
    { name: 'a function (resolved per host at run time)', delegateTo: () => 'nosuchhost' },
    { name: 'a typo', delegateTo: 'dbl', message: /^delegateTo: no host 'dbl' in the inventory \/.* \(did you mean 'db1'\?\)$/, hint: /^write delegateTo: 'db1'$/ },
    { name: 'an unknown host', delegateTo: 'nosuchhost', message: /^delegateTo: no host 'nosuchhost' in the inventory \/\S+$/, hint: /rig inventory -i INVENTORY --list/ },
    { name: 'a group', delegateTo: 'db', message: /^delegateTo: 'db' is a group of the inventory \/\S+, not a host$/, hint: /one host, e\.g\. 'db1'/ },
    { name: 'an empty group', delegateTo: 'empty', message: /'empty' is a group/, hint: /^delegateTo takes one host \(/ },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.message ? 'refused at load, at the task' : 'accepted'}`, async () => {
      const task = command({ cmd: ['true'] }, { delegateTo: c.delegateTo });
      const pb = definePlaybook({ hosts: 'web', tasks: [command({ cmd: ['true'] }), task] });
      const problems = problemsOf(pb, await inventory());
      if (!c.message) return expect(problems).toEqual([]);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.where).toBe(task.definedAt);
      expect(problems[0]!.message).toMatch(c.message);
      expect(problems[0]!.hint).toMatch(c.hint!);
    });
  }

  it('in a handler too', async () => {
    const h = defineHandler('restart', command({ cmd: ['true'] }, { delegateTo: 'nosuchhost' }));
    const pb = definePlaybook({ hosts: 'web', handlers: [h], tasks: [command({ cmd: ['true'] }, { notify: [h] })] });
    expect(problemsOf(pb, await inventory()).map((p) => [p.where, p.message.replace(/ \/\S+$/, '')])).toEqual([[h.definedAt, "delegateTo: no host 'nosuchhost' in the inventory"]]);
  });
});

describe('label (loop_control.label)', () => {
  it('is refused without a loop and with a wrong type; accepted as a string or a function with a loop', async () => {
    const { staticTaskProblems } = await import('../../../src/cli/validate.ts');
    const messages = (options: Record<string, unknown>) => staticTaskProblems(command({ cmd: ['true'] }, options as never)).map((p) => p.message);
    expect(messages({ label: 'x' })).toEqual(['task options: label names loop items, and this task has no loop']);
    expect(messages({ loop: [1], label: 3 })[0]).toContain('expected a string or a function of the host context returning one');
    expect(messages({ loop: [1], label: 'x' })).toEqual([]);
    expect(messages({ loop: [{ n: 1 }], label: (ctx: { item: { n: number } }) => String(ctx.item.n) })).toEqual([]);
  });
});
