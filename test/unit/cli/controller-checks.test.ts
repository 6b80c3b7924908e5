import { generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkController, controllerProblems } from '../../../src/cli/controller-checks.ts';
import { ValidationError } from '../../../src/core/errors.ts';
import { definePlaybook } from '../../../src/index.ts';
import { loadInventory } from '../../../src/inventory/index.ts';
import { tempDir } from '../../support/temp-dir.ts';

function tree(files: Record<string, string>): string {
  const root = tempDir('rig-ctl-');
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

const key = (encrypted = false): string =>
  generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: encrypted ? { type: 'sec1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' } : { type: 'sec1', format: 'pem' },
  }).privateKey;

const pub = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGd1ZXNzIHdoYXQgdGhpcyBpcyBub3QgYSByZWFsIGtleQ me@laptop\n';

/** inv/ and keys/ beside it. web1 fine, web2 missing key, db1+db2 share a .pub given as the key, web3 a list with a text file, other1 untargeted. */
function inventoryDir(): string {
  return tree({
    'inv/hosts.yml': ['all:', '  children:', '    web:', '      hosts: { web1: , web2: , web3: }', '    db:', '      hosts: { db1: , db2: }', '    other:', '      hosts: { other1: }', ''].join('\n'),
    'inv/group_vars/web.yml': 'ansible_ssh_private_key_file: ../keys/good\n',
    'inv/group_vars/db.yml': 'ansible_private_key_file: ../keys/id.pub\n',
    'inv/group_vars/other.yml': 'ansible_ssh_private_key_file: /nonexistent/key\n',
    'inv/host_vars/web2.yml': 'ansible_ssh_private_key_file: ../keys/missing\n',
    'inv/host_vars/web3.yml': 'rig_identity_file: [../keys/locked, ../keys/notes.txt]\n',
    'keys/good': key(),
    'keys/locked': key(true),
    'keys/id.pub': pub,
    'keys/notes.txt': 'remember to make a key\n',
  });
}

const playbook = definePlaybook({ hosts: 'web', tasks: [] }, { hosts: 'db', tasks: [] });

describe('controller-side checks before connecting', () => {
  it('key files of every targeted host: missing, public or not a key; encrypted is fine; one problem per file and origin', async () => {
    const dir = inventoryDir();
    const inv = await loadInventory(path.join(dir, 'inv'));
    const problems = await controllerProblems(playbook, inv);
    expect(problems.map((p) => `${p.where} ${p.message}`)).toEqual([
      `${dir}/inv/host_vars/web2.yml:1 host "web2": ansible_ssh_private_key_file ../keys/missing (${dir}/keys/missing): no such file`,
      `${dir}/inv/host_vars/web3.yml:1 host "web3": rig_identity_file ../keys/notes.txt (${dir}/keys/notes.txt): is not a private key (Unsupported key format)`,
      `${dir}/inv/group_vars/db.yml:1 hosts "db1", "db2": ansible_private_key_file ../keys/id.pub (${dir}/keys/id.pub): is a public key, not a private key (the private key is ${dir}/keys/id)`,
    ]);
    expect(problems[0]!.hint).toMatch(/fix the path .* or remove ansible_ssh_private_key_file to use ssh-agent/);
  });

  const limits: [string, string[]][] = [
    ['web1', []],
    ['web*,!web3', ['web2']],
    ['db', ['db1', 'db2']],
    ['other', []],
  ];
  for (const [limit, hosts] of limits) {
    it(`--limit ${limit}: only targeted hosts are checked`, async () => {
      const inv = await loadInventory(path.join(inventoryDir(), 'inv'));
      const problems = await controllerProblems(playbook, inv, { limit });
      expect(problems.map((p) => /^hosts? (.*?): /.exec(p.message)![1]!.replaceAll('"', '').split(', ')).flat()).toEqual(hosts);
    });
  }

  describe('--json FILE', () => {
    const dir = tree({ 'file.txt': 'x', 'reports/old.json': '{}' });
    mkdirSync(path.join(dir, 'reports/sub.json'));
    const cases: [string, string | undefined][] = [
      ['reports/new.json', undefined],
      ['reports/old.json', undefined],
      ['nope/report.json', `directory ${dir}/nope does not exist`],
      ['file.txt/report.json', `${dir}/file.txt is not a directory`],
    ];
    for (const [rel, why] of cases) {
      it(`${rel}: ${why ?? 'writable'}`, async () => {
        const inv = await loadInventory(tree({ 'hosts.yml': 'all:\n  children:\n    web:\n      hosts: { web1: }\n    db:\n' }));
        const json = path.join(dir, rel);
        const problems = await controllerProblems(playbook, inv, { json });
        expect(problems).toEqual(why ? [{ where: '--json', message: `cannot write the report to ${json}: ${why}`, hint: 'pass a path in an existing, writable directory' }] : []);
      });
    }

    // The report is written to a temp file beside FILE and renamed over it: anything but a new or regular file would be
    // replaced by a regular file (as root, --json /dev/null would replace the machine's /dev/null), and /proc, /sys are
    // kernel interfaces. Each is refused before connecting.
    describe('a path that is not a new or regular file, or is under /proc or /sys', () => {
      const special = tempDir('rig-json-special-');
      mkdirSync(path.join(special, 'dir.json'));
      execFileSync('mkfifo', [path.join(special, 'fifo.json')]);
      writeFileSync(path.join(special, 'target.json'), '{}');
      symlinkSync('/dev/null', path.join(special, 'null.json'));
      symlinkSync(path.join(special, 'target.json'), path.join(special, 'link.json'));
      symlinkSync(path.join(special, 'gone.json'), path.join(special, 'dangling.json'));
      symlinkSync('/proc/self', path.join(special, 'proc'));
      const sock = path.join(special, 'sock.json');
      const server = createServer();
      beforeAll(() => new Promise<void>((done) => server.listen(sock, done)));
      afterAll(() => new Promise<void>((done) => server.close(() => done())));
      const regular = 'pass the path of a new or existing regular file, e.g. --json report.json';
      const cases: [string, string, string?][] = [
        ['/dev/null', '/dev/null is a character device, not a regular file: the report would replace it with a regular file'],
        [`${special}/fifo.json`, `${special}/fifo.json is a FIFO (named pipe), not a regular file: the report would replace it with a regular file`],
        [`${special}/sock.json`, `${special}/sock.json is a socket, not a regular file: the report would replace it with a regular file`],
        [`${special}/dir.json`, `${special}/dir.json is a directory, not a regular file`],
        [`${special}/null.json`, `${special}/null.json is a symlink (→ /dev/null) to a character device: the report would replace the link with a regular file`],
        [`${special}/link.json`, `${special}/link.json is a symlink (→ ${special}/target.json): the report would replace the link with a regular file`, `pass the file it points to (${special}/target.json), or another path`],
        [`${special}/dangling.json`, `${special}/dangling.json is a dangling symlink (→ ${special}/gone.json): the report would replace the link with a regular file`],
        ['/dev/stdout', '/dev/stdout is a symlink (→ /proc/self/fd/1)'],
        ['/proc/self/status', '/proc/self/status is under /proc, a kernel interface, not a place for files'],
        ['/proc/self/cwd/report.json', '/proc/self/cwd/report.json is under /proc, a kernel interface, not a place for files'],
        ['/sys/kernel/report.json', '/sys/kernel/report.json is under /sys, a kernel interface, not a place for files'],
        [`${special}/proc/report.json`, `${special}/proc is /proc/${process.pid}, under /proc, a kernel interface, not a place for files`],
      ];
      for (const [json, why, hint] of cases) {
        it(`${json.replace(special, 'DIR')}: refused`, async () => {
          const inv = await loadInventory(tree({ 'hosts.yml': 'all:\n  hosts: { h: }\n' }));
          const err = await checkController(definePlaybook({ hosts: 'all', tasks: [] }), inv, { json }).then(() => undefined, (e: unknown) => e);
          expect(err).toBeInstanceOf(ValidationError);
          const problems = (err as ValidationError).problems;
          expect(problems).toHaveLength(1);
          expect(problems[0]!.where).toBe('--json');
          expect(problems[0]!.message.startsWith(`cannot write the report to ${json}: ${why}`)).toBe(true);
          expect(problems[0]!.hint).toBe(hint ?? regular);
        });
      }

      it('nothing was replaced by the check', () => {
        expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
        expect(lstatSync(path.join(special, 'fifo.json')).isFIFO()).toBe(true);
        expect(lstatSync(path.join(special, 'null.json')).isSymbolicLink()).toBe(true);
      });
    });

    it.skipIf(process.getuid?.() === 0)('a read-only directory or file (skipped as root: root may write anywhere)', async () => {
      const ro = tree({ 'r/old.json': '{}', 'w/old.json': '{}' });
      chmodSync(path.join(ro, 'r'), 0o555);
      chmodSync(path.join(ro, 'w/old.json'), 0o444);
      const inv = await loadInventory(tree({ 'hosts.yml': 'all:\n  hosts: { h: }\n' }));
      const pb = definePlaybook({ hosts: 'all', tasks: [] });
      expect((await controllerProblems(pb, inv, { json: path.join(ro, 'r/new.json') }))[0]!.message).toMatch(/is not writable/);
      expect((await controllerProblems(pb, inv, { json: path.join(ro, 'w/old.json') }))[0]!.message).toMatch(/exists and is not writable/);
      chmodSync(path.join(ro, 'r'), 0o755);
    });
  });

  it('--report FILE follows the rules of --json, named by its own flag; both are reported together', async () => {
    const inv = await loadInventory(tree({ 'hosts.yml': 'all:\n  hosts: { h: }\n' }));
    const pb = definePlaybook({ hosts: 'all', tasks: [] });
    const problems = await controllerProblems(pb, inv, { json: '/dev/null', report: '/dev/null' });
    expect(problems.map((p) => [p.where, p.message, p.hint])).toEqual([
      ['--json', 'cannot write the report to /dev/null: /dev/null is a character device, not a regular file: the report would replace it with a regular file', 'pass the path of a new or existing regular file, e.g. --json report.json'],
      ['--report', 'cannot write the report to /dev/null: /dev/null is a character device, not a regular file: the report would replace it with a regular file', 'pass the path of a new or existing regular file, e.g. --report report.html'],
    ]);
    expect(await controllerProblems(pb, inv, { report: path.join(tempDir('rig-report-ok-'), 'run.html') })).toEqual([]);
  });

  it("an empty or bad --limit checks no host's keys (the pattern is validatePlaybook's to report), never every host", async () => {
    const inv = await loadInventory(path.join(inventoryDir(), 'inv'));
    for (const limit of ['', ' ', ',', ':', '[', 'web[']) expect(await controllerProblems(playbook, inv, { limit })).toEqual([]);
  });

  it('checkController throws one ValidationError (exit 5) with the key and --json problems together', async () => {
    const dir = inventoryDir();
    const inv = await loadInventory(path.join(dir, 'inv'));
    const err = await checkController(playbook, inv, { limit: 'web2', json: path.join(dir, 'missing/r.json') }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems.map((p) => p.where)).toEqual([`${dir}/inv/host_vars/web2.yml:1`, '--json']);
    await expect(checkController(playbook, inv, { limit: 'web1', json: path.join(dir, 'r.json') })).resolves.toBeUndefined();
  });
});
