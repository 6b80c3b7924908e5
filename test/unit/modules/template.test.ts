import { argProblems } from '../../../src/core/index.ts';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { templateModule, type TemplateArgs } from '../../../src/modules/template.ts';
import { absent, planContext, regular } from '../../fixtures/facts/files/plan-context.ts';

const src = fileURLToPath(new URL('../../fixtures/facts/files/templates/consul.hcl.hbs', import.meta.url));
const dest = '/etc/consul.d/consul.hcl';
const vars = { dc: 'dc1', servers: ['10.0.0.1', '10.0.0.2'], role: 'server', bootstrap: 3 };
const rendered = 'datacenter = "dc1"\nnode_name = "web1"\nos = "debian"\nretry_join = ["10.0.0.1","10.0.0.2"]\nserver = true\nbootstrap_expect = 3\n';

describe('template module', () => {
  const args: TemplateArgs = { src, dest, mode: '0640', owner: 'consul', group: 'consul' };

  it('renders host vars, facts and host name; missing dest → write with diff', () => {
    const p = templateModule.plan(args, { dest: absent(dest) }, planContext(vars));
    expect(p.changes).toEqual([{ kind: 'write', path: dest, content: rendered, mode: '0640', owner: 'consul', group: 'consul', description: `create ${dest} (${rendered.length} bytes)` }]);
    expect(p.diff).toEqual([{ path: dest, before: '', after: rendered }]);
  });

  it('converged → no changes', () => {
    const p = templateModule.plan(args, { dest: regular(dest, rendered, { mode: '0640', owner: 'consul', group: 'consul', uid: 100, gid: 100 }) }, planContext(vars));
    expect(p).toEqual({ changes: [] });
  });

  it('task vars override host vars', () => {
    const p = templateModule.plan({ ...args, vars: { role: 'client' } }, { dest: absent(dest) }, planContext(vars));
    const w = p.changes[0];
    expect(w?.kind === 'write' && w.content).toBe('datacenter = "dc1"\nnode_name = "web1"\nos = "debian"\nretry_join = ["10.0.0.1","10.0.0.2"]\n');
  });

  it('a missing variable fails the plan naming template, line and variable; nothing applied', () => {
    const { dc: _dc, ...withoutDc } = vars;
    const p = templateModule.plan(args, { dest: regular(dest, rendered) }, planContext(withoutDc));
    expect(p.changes).toEqual([]);
    expect(p.failed).toBe(`${src}:1: variable "dc" is not defined (set it in vars, or write {{default dc "…"}})`);
  });

  it('preflight reports the same problem before any read, and nothing when the template renders', () => {
    const { bootstrap: _b, ...withoutBootstrap } = vars;
    expect(templateModule.preflight!(args, planContext(withoutBootstrap))).toEqual([
      `${src}:6: variable "bootstrap" is not defined (set it in vars, or write {{default bootstrap "…"}})`,
    ]);
    expect(templateModule.preflight!(args, planContext(vars))).toEqual([]);
  });

  it('validate needs src and an absolute dest', () => {
    expect(argProblems(templateModule, { src: '', dest: 'x' })).toEqual(['src: Too small: expected string to have >=1 characters', 'dest: must be an absolute path, got "x"']);
    expect(argProblems(templateModule, { src: 'a.hbs', dest: '/x', var: {} })[0]).toMatch(/unknown key 'var' \(did you mean 'vars'\?\)/);
  });
});
