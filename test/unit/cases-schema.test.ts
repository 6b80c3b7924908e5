/** The case files' schema: a malformed case fails naming its file and the path in it, before anything runs. */
import { describe, expect, it } from 'vitest';
import { argOfKey, execOutput } from '../cases/load.ts';
import { factsByRef } from '../cases/registry.ts';
import { factCaseSchema, moduleCaseSchema, parseCase } from '../cases/schema.ts';

const F = 'test/cases/modules/sysctl/x.json';
const ok = { description: 'd', args: { name: 'vm.swappiness', value: 1 }, expect: { changes: [] } };

describe('module case schema', () => {
  it('a well-formed case parses', () => expect(parseCase(moduleCaseSchema, ok, F).args).toEqual(ok.args));
  it.each([
    [{ ...ok, description: '' }, 'description: Too small'],
    [{ ...ok, agrs: {} }, "unknown key 'agrs' (did you mean 'args'?)"],
    [{ ...ok, reads: { 'sysctl.sysctlLive': { 'vm.swappiness': { stdout: 1 } } } }, 'reads.sysctl.sysctlLive.vm.swappiness.stdout'],
    [{ ...ok, reads: { 'sysctl.sysctlLive': { 'vm.swappiness': { stdout: 'x', stdoutFile: 'y' } } } }, 'give stdout or stdoutFile'],
    [{ ...ok, expect: { changes: [], commands: [] } }, 'expect: give exactly one of changes or commands'],
    [{ ...ok, expect: { changes: [], msg: { regex: 'x' } } }, 'expect.msg'],
    [{ ...ok, refused: 'bad' }, 'give exactly one of expect or refused'],
  ])('%j → %s', (value, message) => {
    expect(() => parseCase(moduleCaseSchema, value, F)).toThrow(`${F}: `);
    expect(() => parseCase(moduleCaseSchema, value, F)).toThrow(message);
  });
});

describe('fact case schema', () => {
  const G = 'test/cases/facts/sysctl.sysctlLive/x.json';
  it.each([
    [{ description: 'd', arg: 'x', output: {}, fact: null }, 'command: Invalid input: expected string'],
    [{ description: 'd', command: 'c', output: {}, fact: 1, throws: 'x' }, 'give exactly one of fact or throws'],
    [{ description: 'd', command: 'c', output: { code: 1.5 }, fact: 1 }, 'output.code'],
  ])('%j → %s', (value, message) => {
    expect(() => parseCase(factCaseSchema, value, G)).toThrow(`${G}: `);
    expect(() => parseCase(factCaseSchema, value, G)).toThrow(message);
  });
});

describe('case values', () => {
  it('reads keys: "" is no argument, JSON for lists, objects and quoted strings, any other key the string itself', () => {
    expect(argOfKey('')).toBeUndefined();
    expect(argOfKey('["bash","nano"]')).toEqual(['bash', 'nano']);
    expect(argOfKey('{"names":["x"]}')).toEqual({ names: ['x'] });
    expect(argOfKey('"01"')).toBe('01');
    expect(argOfKey('/etc/x.conf')).toBe('/etc/x.conf');
  });
  it('outputs: lines end with a newline; a missing capture names the file and path', () => {
    expect(execOutput({ stdout: ['a', 'b'], code: 1 }, F, 'o')).toEqual({ stdout: 'a\nb\n', stderr: '', code: 1 });
    expect(() => execOutput({ stdoutFile: 'sysctl/nope.txt' }, F, 'reads.x')).toThrow(`${F}: reads.x.stdoutFile: cannot read the capture test/fixtures/facts/sysctl/nope.txt`);
  });
  it('facts are named <file>.<export>; a re-export is named where it is defined', async () => {
    const facts = await factsByRef();
    expect(facts.get('sysctl.sysctlLive', F).name).toBe('sysctl.live');
    expect(() => facts.get('sysctl.sysctlConfFile', `${F}: reads`)).toThrow(`${F}: reads: sysctl.sysctlConfFile is files.fileContent: name it so`);
    expect(() => facts.get('sysctl.nope', F)).toThrow(/no fact sysctl.nope; facts are named <src\/facts file>.<export> or <role>.<library file>.<export>: apt.dpkgPackages, apt.aptCacheAge, /);
  });
});
