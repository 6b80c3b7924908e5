import { describe, expect, it } from 'vitest';
import { consulExistingConfig } from '../../../src/facts/consul.ts';
import { consulAgentConfig, consulOptionProblems, decideGossipKey } from '../../../src/modules/consul.ts';

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
