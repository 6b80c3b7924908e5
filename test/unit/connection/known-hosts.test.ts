/** known_hosts parsing and verdicts, against lines written by OpenSSH's own ssh-keygen (-H hashed). */
import { describe, expect, it } from 'vitest';
import { checkHostKey, fingerprint, hashHostName, hostLookupName, parseKnownHosts } from '../../../src/connection/known-hosts.ts';

// ssh-keygen -H of "web1.example.com <ed25519>" and "[10.0.0.5]:2222 <ecdsa>" (OpenSSH 9.2)
const ED = 'AAAAC3NzaC1lZDI1NTE5AAAAIFtAauSIpcoVIM53zWok0+t18Np4sdjxHRnXQS6hiHOV';
const EC = 'AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBV6oNt3pzvHK5L8qX2cUxc+BlHNRAG82R96ZQ9UVeHGhmFC7m/wxEe+i1mJROZLKiO+RLg8b14W5I7U8qFjrXI=';
const RSA = 'AAAAB3NzaC1yc2EAAAADAQABAAAAgQCYxaC/zGlj8g1My11SaPe6jg7dmm3w7R53ulx3JjllJYBSDeBk/5HY64Hnfzoe8/8q6TJ3fUB8H086jstVfd+7Kqk0ePmXVzNPxlktsveYuDycWwDFJpVutvLQstpsWA0Or/avmzEZ4cxXFRRSPcDRc1tPDDrODRkHi1F3rgd8EQ==';
const HASHED = [
  '|1|i5ZDCJj8W+x2yl5OVy5qaXF/NXc=|GYJLVImZHINiEHMQJRUqr8reoik= ssh-ed25519 ' + ED,
  '|1|xtrK39nMTEI+RGS0/CarQ4Mw1fk=|w+oX6w9TBBzQCR7v1YhBd1SMxlY= ecdsa-sha2-nistp256 ' + EC,
].join('\n');

describe('known_hosts', () => {
  it('matches OpenSSH-hashed names, including the [host]:port form', () => {
    const e = parseKnownHosts(HASHED, 'kh');
    expect(e.map((x) => [x.hosts.kind, x.keyType, x.line])).toEqual([
      ['hashed', 'ssh-ed25519', 1],
      ['hashed', 'ecdsa-sha2-nistp256', 2],
    ]);
    expect(checkHostKey(e, ['web1.example.com'], 'ssh-ed25519', ED).status).toBe('known');
    expect(checkHostKey(e, [hostLookupName('10.0.0.5', 2222)], 'ecdsa-sha2-nistp256', EC).status).toBe('known');
    // same address, default port: a different name, so not known
    expect(checkHostKey(e, [hostLookupName('10.0.0.5', 22)], 'ecdsa-sha2-nistp256', EC).status).toBe('unknown');
    expect(checkHostKey(e, ['web2.example.com'], 'ssh-ed25519', ED).status).toBe('unknown');
  });

  it('hashes names exactly as ssh-keygen -H does', () => {
    const salt = Buffer.from('i5ZDCJj8W+x2yl5OVy5qaXF/NXc=', 'base64');
    expect(hashHostName('web1.example.com', salt)).toBe('|1|i5ZDCJj8W+x2yl5OVy5qaXF/NXc=|GYJLVImZHINiEHMQJRUqr8reoik=');
  });

  it('reports a changed key of the same type, and other types as unknown with a hint', () => {
    const e = parseKnownHosts('web1,web1.lan ssh-ed25519 ' + ED + '\nweb1 ssh-rsa ' + RSA + '\n', '/home/u/.ssh/known_hosts');
    const changed = checkHostKey(e, ['web1.lan'], 'ssh-ed25519', 'AAAAC3NzaC1lZDI1NTE5AAAAIOjRnbvYvnRlqdA3QbyvPrHRdbdziWkUj6pIs1bf9qbZ');
    expect(changed).toMatchObject({ status: 'changed', expected: { file: '/home/u/.ssh/known_hosts', line: 1 } });
    expect(checkHostKey(e, ['web1'], 'ecdsa-sha2-nistp256', EC)).toEqual({ status: 'unknown', otherTypes: ['ssh-ed25519', 'ssh-rsa'] });
    expect(checkHostKey(e, ['web1'], 'ssh-rsa', RSA).status).toBe('known');
  });

  it('honours wildcards and negations', () => {
    const e = parseKnownHosts('*.lan,!bad.lan ssh-ed25519 ' + ED);
    expect(checkHostKey(e, ['a.lan'], 'ssh-ed25519', ED).status).toBe('known');
    expect(checkHostKey(e, ['bad.lan'], 'ssh-ed25519', ED).status).toBe('unknown');
    expect(checkHostKey(e, ['a.lan.evil'], 'ssh-ed25519', ED).status).toBe('unknown');
  });

  it('reads [host]:port names with wildcards and negations as OpenSSH does (brackets literal, any case)', () => {
    const e = parseKnownHosts('[*.LAN]:2222,![bad.lan]:2222 ssh-ed25519 ' + ED);
    expect(checkHostKey(e, [hostLookupName('web.lan', 2222)], 'ssh-ed25519', ED).status).toBe('known');
    expect(checkHostKey(e, [hostLookupName('bad.lan', 2222)], 'ssh-ed25519', ED).status).toBe('unknown');
    expect(checkHostKey(e, [hostLookupName('web.lan', 22)], 'ssh-ed25519', ED).status).toBe('unknown');
  });

  it('recognises @revoked (refused even if also listed) and @cert-authority (never a plain key match)', () => {
    const e = parseKnownHosts(['@cert-authority *.lan ssh-ed25519 ' + ED, '@revoked * ecdsa-sha2-nistp256 ' + EC, 'h.lan ecdsa-sha2-nistp256 ' + EC].join('\n'));
    expect(e.map((x) => x.marker)).toEqual(['cert-authority', 'revoked', undefined]);
    expect(checkHostKey(e, ['h.lan'], 'ecdsa-sha2-nistp256', EC).status).toBe('revoked');
    expect(checkHostKey(e, ['x.lan'], 'ssh-ed25519', ED).status).toBe('unknown');
  });

  it('skips comments, blanks and malformed lines, keeping line numbers', () => {
    const e = parseKnownHosts('# c\n\ngarbage\n@weird x y z\nh ssh-ed25519 ' + ED + ' comment here\n');
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ line: 5, keyType: 'ssh-ed25519', key: ED });
  });

  it('prints fingerprints like ssh-keygen -l', () => {
    expect(fingerprint(ED)).toBe('SHA256:K505vw5vkojO6380IA0RIBOMboBpy/A1weoyN5v4G58');
    expect(fingerprint(EC)).toBe('SHA256:FeZ6fUBzeKtLVj1y8scqbL23+Z5XAADiC67HKOAQ5IY');
  });
});
