/** Every module factory in both forms: valid args compile, an unknown key does not — in the static object and in the
 *  object an args function returns (TypeScript skips excess-key checks there; the factory's types restore them). */
import { test } from 'vitest';
import { apt, assert, blockinfile, command, copy, directory, file, getUrl, group, lineinfile, link, modprobe, reboot, service, setFact, shell, sysctl, systemd, template, user, waitFor, zipMember, refreshFacts } from '../../src/index.ts';
import { consulExistingKey, consulGossipKey, dockerDaemonJson, dockerEngineCheck, firewallBackend, grubCmdline, iptablesFirewall, nftRuleset, swarmInit, swarmJoin, swarmNodeLabels, swarmStatus, swarmTokens, ufwFirewall } from '../../roles/index.ts';

test('apt', () => {
  apt({ name: 'nginx' });
  apt((ctx) => ({ ...{ name: 'nginx' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  apt({ name: 'nginx', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  apt(() => ({ name: 'nginx', zzUnknown: 1 }));
});

test('assert', () => {
  assert({ that: true });
  assert((ctx) => ({ ...{ that: true }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  assert({ that: true, zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  assert(() => ({ that: true, zzUnknown: 1 }));
});

test('blockinfile', () => {
  blockinfile({ path: '/x', block: 'b' });
  blockinfile((ctx) => ({ ...{ path: '/x', block: 'b' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  blockinfile({ path: '/x', block: 'b', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  blockinfile(() => ({ path: '/x', block: 'b', zzUnknown: 1 }));
});

test('command', () => {
  command({ cmd: ['true'] });
  command((ctx) => ({ ...{ cmd: ['true'] }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  command({ cmd: ['true'], zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  command(() => ({ cmd: ['true'], zzUnknown: 1 }));
});

test('copy', () => {
  copy({ dest: '/x', content: 'c' });
  copy((ctx) => ({ ...{ dest: '/x', content: 'c' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  copy({ dest: '/x', content: 'c', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  copy(() => ({ dest: '/x', content: 'c', zzUnknown: 1 }));
});

test('directory', () => {
  directory({ path: '/d' });
  directory((ctx) => ({ ...{ path: '/d' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  directory({ path: '/d', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  directory(() => ({ path: '/d', zzUnknown: 1 }));
});

test('file', () => {
  file({ path: '/f' });
  file((ctx) => ({ ...{ path: '/f' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  file({ path: '/f', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  file(() => ({ path: '/f', zzUnknown: 1 }));
});

test('getUrl', () => {
  getUrl({ url: 'https://example.org/x', dest: '/x', checksum: `sha256:${'a'.repeat(64)}` });
  getUrl((ctx) => ({ ...{ url: 'https://example.org/x', dest: '/x', checksum: `sha256:${'a'.repeat(64)}` }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  getUrl({ url: 'https://example.org/x', dest: '/x', checksum: `sha256:${'a'.repeat(64)}`, zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  getUrl(() => ({ url: 'https://example.org/x', dest: '/x', checksum: `sha256:${'a'.repeat(64)}`, zzUnknown: 1 }));
});

test('group', () => {
  group({ name: 'g' });
  group((ctx) => ({ ...{ name: 'g' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  group({ name: 'g', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  group(() => ({ name: 'g', zzUnknown: 1 }));
});

test('lineinfile', () => {
  lineinfile({ path: '/x', line: 'l' });
  lineinfile((ctx) => ({ ...{ path: '/x', line: 'l' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  lineinfile({ path: '/x', line: 'l', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  lineinfile(() => ({ path: '/x', line: 'l', zzUnknown: 1 }));
});

test('link', () => {
  link({ path: '/l', src: '/t' });
  link((ctx) => ({ ...{ path: '/l', src: '/t' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  link({ path: '/l', src: '/t', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  link(() => ({ path: '/l', src: '/t', zzUnknown: 1 }));
});

test('modprobe', () => {
  modprobe({ name: 'overlay' });
  modprobe((ctx) => ({ ...{ name: 'overlay' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  modprobe({ name: 'overlay', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  modprobe(() => ({ name: 'overlay', zzUnknown: 1 }));
});

test('reboot', () => {
  reboot({});
  reboot((ctx) => ({ ...{}, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  reboot({ zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  reboot(() => ({ zzUnknown: 1 }));
});

test('service', () => {
  service({ name: 'docker', state: 'started' });
  service((ctx) => ({ ...{ name: 'docker', state: 'started' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  service({ name: 'docker', state: 'started', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  service(() => ({ name: 'docker', state: 'started', zzUnknown: 1 }));
});

test('systemd', () => {
  systemd({ name: 'docker', state: 'started' });
  systemd((ctx) => ({ ...{ name: 'docker', state: 'started' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  systemd({ name: 'docker', state: 'started', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  systemd(() => ({ name: 'docker', state: 'started', zzUnknown: 1 }));
});

test('setFact', () => {
  setFact({ vars: { a: 1 } });
  setFact((ctx) => ({ ...{ vars: { a: 1 } }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  setFact({ vars: { a: 1 }, zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  setFact(() => ({ vars: { a: 1 }, zzUnknown: 1 }));
});

test('shell', () => {
  shell({ cmd: 'true' });
  shell((ctx) => ({ ...{ cmd: 'true' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  shell({ cmd: 'true', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  shell(() => ({ cmd: 'true', zzUnknown: 1 }));
});

test('sysctl', () => {
  sysctl({ name: 'net.ipv4.ip_forward', value: 1 });
  sysctl((ctx) => ({ ...{ name: 'net.ipv4.ip_forward', value: 1 }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  sysctl({ name: 'net.ipv4.ip_forward', value: 1, zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  sysctl(() => ({ name: 'net.ipv4.ip_forward', value: 1, zzUnknown: 1 }));
});

test('template', () => {
  template({ src: 'a.hbs', dest: '/x' });
  template((ctx) => ({ ...{ src: 'a.hbs', dest: '/x' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  template({ src: 'a.hbs', dest: '/x', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  template(() => ({ src: 'a.hbs', dest: '/x', zzUnknown: 1 }));
});

test('user', () => {
  user({ name: 'u' });
  user((ctx) => ({ ...{ name: 'u' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  user({ name: 'u', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  user(() => ({ name: 'u', zzUnknown: 1 }));
});

test('waitFor', () => {
  waitFor({ port: 80 });
  waitFor((ctx) => ({ ...{ port: 80 }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  waitFor({ port: 80, zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  waitFor(() => ({ port: 80, zzUnknown: 1 }));
});

test('zipMember', () => {
  zipMember({ archive: '/a.zip', member: 'm', dest: '/m' });
  zipMember((ctx) => ({ ...{ archive: '/a.zip', member: 'm', dest: '/m' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  zipMember({ archive: '/a.zip', member: 'm', dest: '/m', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  zipMember(() => ({ archive: '/a.zip', member: 'm', dest: '/m', zzUnknown: 1 }));
});

test('consulExistingKey', () => {
  consulExistingKey({ path: '/x' });
  consulExistingKey((ctx) => ({ ...{ path: '/x' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  consulExistingKey({ path: '/x', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  consulExistingKey(() => ({ path: '/x', zzUnknown: 1 }));
});

test('consulGossipKey', () => {
  consulGossipKey({ existing: {}, generated: 'k' });
  consulGossipKey((ctx) => ({ ...{ existing: {}, generated: 'k' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  consulGossipKey({ existing: {}, generated: 'k', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  consulGossipKey(() => ({ existing: {}, generated: 'k', zzUnknown: 1 }));
});

test('dockerDaemonJson', () => {
  dockerDaemonJson({ options: {}, swarmNode: true });
  dockerDaemonJson((ctx) => ({ ...{ options: {}, swarmNode: true }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  dockerDaemonJson({ options: {}, swarmNode: true, zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  dockerDaemonJson(() => ({ options: {}, swarmNode: true, zzUnknown: 1 }));
});

test('dockerEngineCheck', () => {
  dockerEngineCheck({ options: {}, swarmNode: true });
  dockerEngineCheck((ctx) => ({ ...{ options: {}, swarmNode: true }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  dockerEngineCheck({ options: {}, swarmNode: true, zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  dockerEngineCheck(() => ({ options: {}, swarmNode: true, zzUnknown: 1 }));
});

test('firewallBackend', () => {
  firewallBackend({ preferred: 'auto' });
  firewallBackend((ctx) => ({ ...{ preferred: 'auto' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  firewallBackend({ preferred: 'auto', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  firewallBackend(() => ({ preferred: 'auto', zzUnknown: 1 }));
});

test('grubCmdline', () => {
  grubCmdline({ tokens: ['a=1'] });
  grubCmdline((ctx) => ({ ...{ tokens: ['a=1'] }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  grubCmdline({ tokens: ['a=1'], zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  grubCmdline(() => ({ tokens: ['a=1'], zzUnknown: 1 }));
});

test('iptablesFirewall', () => {
  iptablesFirewall({ rules: [] });
  iptablesFirewall((ctx) => ({ ...{ rules: [] }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  iptablesFirewall({ rules: [], zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  iptablesFirewall(() => ({ rules: [], zzUnknown: 1 }));
});

test('nftRuleset', () => {
  nftRuleset({ rules: [] });
  nftRuleset((ctx) => ({ ...{ rules: [] }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  nftRuleset({ rules: [], zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  nftRuleset(() => ({ rules: [], zzUnknown: 1 }));
});

test('ufwFirewall', () => {
  ufwFirewall({ rules: [] });
  ufwFirewall((ctx) => ({ ...{ rules: [] }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  ufwFirewall({ rules: [], zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  ufwFirewall(() => ({ rules: [], zzUnknown: 1 }));
});

test('swarmInit', () => {
  swarmInit({ advertiseAddr: '10.0.0.1' });
  swarmInit((ctx) => ({ ...{ advertiseAddr: '10.0.0.1' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  swarmInit({ advertiseAddr: '10.0.0.1', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  swarmInit(() => ({ advertiseAddr: '10.0.0.1', zzUnknown: 1 }));
});

test('swarmJoin', () => {
  swarmJoin({ role: 'worker', joinAddrs: ['10.0.0.1'], advertiseAddr: '10.0.0.2' });
  swarmJoin((ctx) => ({ ...{ role: 'worker', joinAddrs: ['10.0.0.1'], advertiseAddr: '10.0.0.2' }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  swarmJoin({ role: 'worker', joinAddrs: ['10.0.0.1'], advertiseAddr: '10.0.0.2', zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  swarmJoin(() => ({ role: 'worker', joinAddrs: ['10.0.0.1'], advertiseAddr: '10.0.0.2', zzUnknown: 1 }));
});

test('swarmNodeLabels', () => {
  swarmNodeLabels({ node: 'n', labels: {} });
  swarmNodeLabels((ctx) => ({ ...{ node: 'n', labels: {} }, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  swarmNodeLabels({ node: 'n', labels: {}, zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  swarmNodeLabels(() => ({ node: 'n', labels: {}, zzUnknown: 1 }));
});

test('swarmStatus', () => {
  swarmStatus({});
  swarmStatus((ctx) => ({ ...{}, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  swarmStatus({ zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  swarmStatus(() => ({ zzUnknown: 1 }));
});

test('swarmTokens', () => {
  swarmTokens({});
  swarmTokens((ctx) => ({ ...{}, ...(ctx.check ? {} : {}) }));
  // @ts-expect-error unknown key in the static form
  swarmTokens({ zzUnknown: 1 });
  // @ts-expect-error unknown key in the function form
  swarmTokens(() => ({ zzUnknown: 1 }));
});

test('refreshFacts takes options only', () => {
  refreshFacts({ name: 'again' });
  // @ts-expect-error misspelled option
  refreshFacts({ nmae: 'again' });
});

test('task options are checked in both forms of args', () => {
  copy({ dest: '/x', content: '' }, { when: true, loop: ['a'] });
  // @ts-expect-error misspelled option
  copy({ dest: '/x', content: '' }, { whne: () => false });
  // @ts-expect-error misspelled option with the function form
  copy((ctx) => ({ dest: `/x/${ctx.host.name}`, content: '' }), { whne: () => false });
  // @ts-expect-error loop is an array, not a string
  copy((ctx) => ({ dest: `/x/${String(ctx.item)}`, content: '' }), { loop: 'abc' });
  // @ts-expect-error a mode is an octal string
  copy({ dest: '/x', content: '', mode: 644 });
  // @ts-expect-error a mode is an octal string, in the function form too
  copy(() => ({ dest: '/x', content: '', mode: 644 }));
  // @ts-expect-error misspelled key in a function form using the loop item
  copy((ctx) => ({ dest: ctx.item, content: '', mdoe: '0600' }), { loop: ['/a', '/b'] });
});
