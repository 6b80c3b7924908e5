import { describe, expect, it } from 'vitest';
import { consulExistingConfig } from '../../../../roles/consul/library/consul-facts.ts';
import { argProblems } from '../../../../src/core/index.ts';
import { consulAgentConfig, consulExistingKeyModule, consulGossipKeyModule, consulOptionProblems, decideGossipKey } from '../../../../roles/consul/library/consul.ts';

const K1 = 'pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=';
const K2 = 'Y4T+W7c4pgKZtEHvTfwQ1Jh0kwpS9O5H4A5uqsBdKfA=';

describe('consul gossip key', () => {
  it('reused from existing configs, never rotated silently', () => {
    expect(decideGossipKey({ existing: { a: K1, b: undefined }, generated: K2 })).toEqual({ key: K1, source: 'existing' });
    expect(decideGossipKey({ existing: { a: K1 }, provided: K2, generated: K2 })).toHaveProperty('error', expect.stringMatching(/rotation is an explicit action/));
    expect(decideGossipKey({ existing: { a: K1, b: K2 }, generated: K2 })).toHaveProperty('error', expect.stringMatching(/different Consul gossip keys \(a, b\)/));
  });
  it('inventory key, else the generated one', () => {
    expect(decideGossipKey({ existing: {}, provided: K1, generated: K2 })).toEqual({ key: K1, source: 'inventory' });
    expect(decideGossipKey({ existing: { a: undefined }, generated: K2 })).toEqual({ key: K2, source: 'generated' });
    expect(decideGossipKey({ existing: {}, provided: 'short', generated: K2 })).toHaveProperty('error');
  });
  it('existing config fact', () => {
    expect(consulExistingConfig.parse({ stdout: `{"encrypt":"${K1}","server":true}\n`, stderr: '', code: 0 }, '/etc/consul.d/consul.json')).toEqual({ exists: true, encrypt: K1 });
    expect(consulExistingConfig.parse({ stdout: '__rig_consul_missing__\n', stderr: '', code: 0 }, '/x')).toEqual({ exists: false });
    expect(() => consulExistingConfig.parse({ stdout: 'server = true\n', stderr: '', code: 0 }, '/x')).toThrow(/not JSON/);
  });
});

describe('consul agent config', () => {
  const base = { datacenter: 'lab', nodeName: 'lab1', dataDir: '/opt/consul', bindAddr: '10.77.0.11', advertiseAddr: '10.77.0.11', retryJoin: ['10.77.0.11'], encrypt: K1 };
  it('server with bootstrap_expect, bound on the private address, DNS on 8600', () => {
    expect(consulAgentConfig({ ...base, server: true, bootstrapExpect: 1 })).toMatchObject({ server: true, bootstrap_expect: 1, bind_addr: '10.77.0.11', client_addr: '127.0.0.1 10.77.0.11', ports: { dns: 8600 } });
  });
  it('client has no bootstrap_expect', () => expect(consulAgentConfig({ ...base, server: false, bootstrapExpect: 3 })).not.toHaveProperty('bootstrap_expect'));
  it('even servers and an empty retry_join are refused', () => {
    expect(consulOptionProblems({ ...base, server: true, bootstrapExpect: 2, retryJoin: [] })).toEqual([expect.stringMatching(/odd number/), expect.stringMatching(/retry_join is empty/)]);
  });
});

describe('consul agent options', () => {
  const base = { datacenter: 'lab', nodeName: 'lab1', dataDir: '/opt/consul', server: true, bootstrapExpect: 3, bindAddr: '10.77.0.11', advertiseAddr: '10.77.0.11', retryJoin: ['10.77.0.11'], encrypt: K1 };
  it('valid options have no problems', () => {
    expect(consulOptionProblems(base)).toEqual([]);
    expect(consulOptionProblems({ ...base, server: false, bootstrapExpect: undefined, clientAddrs: ['127.0.0.1'], recursors: ['1.1.1.1'], dnsPort: 53, ui: true })).toEqual([]);
  });
  it.each([
    [{ datacenter: 'lab one' }, 'datacenter: consul_datacenter "lab one": letters, digits, - and _ only'],
    [{ bootstrapExpect: 0 }, 'bootstrapExpect: consul_bootstrap_expect must be a positive integer'],
    [{ bootstrapExpect: '3' }, 'bootstrapExpect: consul_bootstrap_expect must be a positive integer, got "3"'],
    [{ bootstrapExpect: undefined }, 'consul_bootstrap_expect must be a positive integer on servers'],
    [{ bindAddr: 'lab1' }, 'bindAddr: "lab1" is not an IPv4 or IPv6 address'],
    [{ dataDir: 'opt/consul' }, 'dataDir: must be an absolute path, got "opt/consul"'],
    [{ encrypt: 'short' }, 'encrypt: the gossip key is not a 32-byte base64 key (make one with `consul keygen`)'],
    [{ dnsPort: 0 }, 'dnsPort: a port is 1-65535, got 0'],
    [{ retryJoin: 'lab1' }, 'retryJoin: Invalid input: expected array, received string'],
    [{ datacentre: 'lab' }, "unknown key 'datacentre' (did you mean 'datacenter'?)"],
  ])('%j → %s', (change, message) => expect(consulOptionProblems({ ...base, ...change } as never).join('\n')).toContain(message));
  it('a bad key is never echoed', () => expect(consulOptionProblems({ ...base, encrypt: 'not-a-key-secret' }).join('\n')).not.toContain('secret'));
});

describe('consul module args', () => {
  it('consulGossipKey: keys are checked, never echoed', () => {
    expect(argProblems(consulGossipKeyModule, { existing: { a: K1, b: undefined }, provided: K1, generated: K2 })).toEqual([]);
    expect(argProblems(consulGossipKeyModule, { existing: {}, provided: 'secret-but-short', generated: K2 })).toEqual([
      'provided: consul_encrypt_key is not a 32-byte base64 key (make one with `consul keygen`)',
    ]);
    expect(argProblems(consulGossipKeyModule, { existing: {}, generated: 'x' })).toEqual(['generated: the generated key is not a 32-byte base64 key (make one with `consul keygen`)']);
    expect(argProblems(consulGossipKeyModule, { existing: [K1], generated: K2 })).toEqual(['existing: expected a mapping of host names to the key found in their config (undefined: none)']);
    expect(argProblems(consulGossipKeyModule, { existing: { a: 1 }, generated: K2 })).toEqual(['existing.a: Invalid input: expected string, received number']);
    expect(argProblems(consulGossipKeyModule, { existing: {}, generated: K2, provide: K1 }).join('\n')).toContain("unknown key 'provide' (did you mean 'provided'?)");
  });
  it('consulExistingKey: an absolute path', () => {
    expect(argProblems(consulExistingKeyModule, { path: '/etc/consul.d/consul.json' })).toEqual([]);
    expect(argProblems(consulExistingKeyModule, { path: 'consul.json' })).toEqual(['path: must be an absolute path, got "consul.json"']);
    expect(argProblems(consulExistingKeyModule, {})).toEqual(['path: expected an absolute path (a string starting with /)']);
  });
});
