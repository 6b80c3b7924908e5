import { describe, expect, it } from 'vitest';
import { secret } from '../../../src/core/secret.ts';
import { PlainReporter } from '../../../src/reporters/index.ts';
import { checkRun, realRun, SECRET, StringStream } from './fixture-run.ts';

secret(SECRET);

const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

function run(fixture: typeof realRun, opts: { verbosity: number; diff: boolean; color: boolean }): string {
  const out = new StringStream();
  const r = new PlainReporter({ out, ...opts });
  void r.onRunEnd(fixture(r));
  return out.text;
}

describe('PlainReporter', () => {
  it('prints a real run like ansible-playbook', () => {
    expect(run(realRun, { verbosity: 0, diff: false, color: false }).split('\n')).toEqual([
      '',
      'PLAY [web servers] *************************************************************',
      '',
      'TASK [nginx : install nginx] ***************************************************',
      'changed: [web1]',
      'ok: [web2]',
      'fatal: [db1]: UNREACHABLE! => ssh: connect to host 10.0.0.3 port 22: Connection refused',
      '',
      'TASK [nginx : write nginx.conf] ************************************************',
      'changed: [web1]',
      "fatal: [web2]: FAILED! => template nginx.conf.hbs: missing variable 'worker_count'",
      '...ignoring',
      '',
      'TASK [check port 80] ***********************************************************',
      'skipping: [web1]',
      'fatal: [web2]: FAILED! => non-zero return code',
      '    rc: 7',
      '    stderr:',
      '      curl: (7) Failed to connect to 127.0.0.1 port 80',
      '',
      'RUNNING HANDLER [nginx : restart nginx] ****************************************',
      'changed: [web1]',
      '',
      'PLAY [tuning] ******************************************************************',
      '',
      'TASK [set vm.swappiness] *******************************************************',
      'ok: [web1]',
      '',
      'TASK [write api token] *********************************************************',
      'changed: [web1]',
      '',
      'PLAY RECAP *********************************************************************',
      'db1                        : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0',
      'web1                       : ok=6    changed=4    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0',
      'web2                       : ok=2    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=1',
      '',
      'execs: db1=0 web1=5 web2=3 total=8  duration: 2.3s',
      '',
    ]);
  });

  it('banners are 80 columns wide, like ansible on a non-TTY', () => {
    const lines = run(realRun, { verbosity: 0, diff: false, color: false }).split('\n');
    for (const l of lines.filter((l) => l.endsWith('***'))) expect(l).toHaveLength(80);
  });

  it('-vvv shows changes, commands, rc, stdout and log lines; noLog results say why they are empty', () => {
    const text = run(realRun, { verbosity: 3, diff: false, color: false });
    const lines = text.split('\n');
    const at = lines.indexOf('changed: [web1]');
    expect(lines.slice(at - 1, at + 6)).toEqual([
      '<web1> exec: apt-get install -y nginx',
      'changed: [web1]',
      '    ~ apt-get install nginx',
      '    $ DEBIAN_FRONTEND=noninteractive apt-get install -y nginx',
      '    rc: 0',
      '    stdout:',
      '      Setting up nginx (1.24.0) ...',
    ]);
    expect(lines).toContain('    $ curl -fsS http://127.0.0.1:80/');
    expect(lines).toContain('changed: [web1] => (output hidden: noLog)');
    expect(text).not.toContain('--- before:');
  });

  it.each([
    [1, ['changed: [web1]', '    ~ apt-get install nginx', '    rc: 0', '    stdout:', '      Setting up nginx (1.24.0) ...'], ['$ DEBIAN_FRONTEND', '<web1>']],
    [2, ['changed: [web1]', '    ~ apt-get install nginx', '    $ DEBIAN_FRONTEND=noninteractive apt-get install -y nginx', '    rc: 0', '    stdout:'], ['<web1>']],
  ])('-v × %i: each level adds its details once (no command printed twice)', (verbosity, shown, hidden) => {
    const text = run(realRun, { verbosity, diff: false, color: false });
    const lines = text.split('\n');
    const at = lines.indexOf('changed: [web1]');
    expect(lines.slice(at, at + shown.length)).toEqual(shown);
    for (const h of hidden) expect(text).not.toContain(h);
    expect(lines.filter((l) => l.includes('apt-get install -y nginx')).length).toBe(verbosity >= 2 ? 1 : 0);
  });

  it('--diff prints unified diffs before the status line, with the secret redacted', () => {
    const text = run(realRun, { verbosity: 0, diff: true, color: false });
    const lines = text.split('\n');
    const at = lines.indexOf('--- before: /etc/nginx/nginx.conf');
    expect(lines.slice(at, at + 8)).toEqual([
      '--- before: /etc/nginx/nginx.conf',
      '+++ after: /etc/nginx/nginx.conf',
      '@@ -1,2 +1,3 @@',
      ' user www-data;',
      '-worker_processes 1;',
      '+worker_processes 4;',
      '+# token ********',
      'changed: [web1]',
    ]);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('s3cr3t');
  });

  it('check mode marks predictions and says handlers would run', () => {
    const lines = run(checkRun, { verbosity: 0, diff: true, color: false }).split('\n');
    expect(lines.slice(3, 18)).toEqual([
      'TASK [nginx : install nginx] ***************************************************',
      'changed: [web1] (predicted)',
      'ok: [web2]',
      '',
      'TASK [nginx : write nginx.conf] ************************************************',
      '--- before: /etc/nginx/nginx.conf',
      '+++ after: /etc/nginx/nginx.conf',
      '@@ -0,0 +1,1 @@',
      '+worker_processes 4;',
      'changed: [web1] (predicted)',
      'ok: [web2]',
      '',
      'TASK [check port 80] ***********************************************************',
      'changed: [web1] (predicted)',
      'skipping: [web2]',
    ]);
    expect(lines).toContain('RUNNING HANDLER [nginx : restart nginx] ****************************************');
    expect(lines).toContain('changed: [web1] (would run)');
    expect(lines).toContain('execs: web1=1 web2=1 total=2  duration: 850ms (check mode: nothing was changed)');
  });

  it('colors like ansible: green ok, yellow changed, red fatal, cyan skip, red/green/cyan diff', () => {
    const text = run(realRun, { verbosity: 0, diff: true, color: true });
    const esc = (code: number, s: string) => `\x1b[${code}m${s}\x1b[39m`;
    expect(text).toContain(esc(32, 'ok: [web2]'));
    expect(text).toContain(esc(33, 'changed: [web1]'));
    expect(text).toContain(esc(36, 'skipping: [web1]'));
    expect(text).toContain(esc(31, 'fatal: [web2]: FAILED! => non-zero return code'));
    expect(text).toContain(esc(91, 'fatal: [db1]: UNREACHABLE! => ssh: connect to host 10.0.0.3 port 22: Connection refused'));
    expect(text).toContain(esc(31, '-worker_processes 1;'));
    expect(text).toContain(esc(32, '+worker_processes 4;'));
    expect(text).toContain(esc(36, '@@ -1,2 +1,3 @@'));
    expect(text).not.toContain(SECRET);
  });

  it('color off writes no escape codes', () => {
    expect(run(realRun, { verbosity: 1, diff: true, color: false })).not.toContain('\x1b[');
  });

  it('a result without onTaskStart still gets its heading; a connect-time unreachable host is printed once', () => {
    const out = new StringStream();
    const r = new PlainReporter({ out, verbosity: 0, diff: false, color: false });
    r.onHostUnreachable('db1', 'timeout');
    r.onTaskEnd({ id: 'x', name: 'ping', module: 'command', definedAt: 'p.ts:1', handler: false }, {
      status: 'ok', host: 'web1', task: 'ping', definedAt: 'p.ts:1', durationMs: 1, execs: 1,
    });
    expect(out.text.split('\n')).toEqual([
      'fatal: [db1]: UNREACHABLE! => timeout',
      '',
      'TASK [ping] ********************************************************************',
      'ok: [web1]',
      '',
    ]);
  });

  it('loop items are shown as Ansible shows them: (item=label), no line for the task as a whole', () => {
    const out = new StringStream();
    const r = new PlainReporter({ out, verbosity: 0, diff: false, color: false });
    const t = { id: 'l', name: 'users', module: 'user', definedAt: 'p.ts:2', handler: false };
    const base = { host: 'web1', task: 'users', definedAt: 'p.ts:2', durationMs: 1, execs: 1 };
    r.onTaskStart(t);
    r.onTaskEnd(t, {
      ...base,
      status: 'failed',
      msg: 'one or more items failed',
      items: [
        { ...base, status: 'changed', item: 'overlay', label: 'overlay' },
        { ...base, status: 'ok', item: { name: 'br', v: 1 }, label: '{"name":"br","v":1}' },
        { ...base, status: 'skipped', item: 'x', label: 'x' },
        { ...base, status: 'failed', msg: 'useradd: invalid name', item: 'bad name', label: 'bad name' },
      ],
    });
    expect(out.text.split('\n').slice(2)).toEqual([
      'changed: [web1] => (item=overlay)',
      'ok: [web1] => (item={"name":"br","v":1})',
      'skipping: [web1] => (item=x)',
      'failed: [web1] (item=bad name) => useradd: invalid name',
      '',
    ]);
  });

  it('delegation: [host -> delegate] on task lines and item lines; an item label with a secret is redacted', () => {
    const out = new StringStream();
    const r = new PlainReporter({ out, verbosity: 0, diff: false, color: false });
    const t = { id: 'd', name: 'register', module: 'command', definedAt: 'p.ts:3', handler: false };
    const base = { task: 'register', definedAt: 'p.ts:3', durationMs: 1, execs: 1 };
    r.onTaskStart(t);
    r.onTaskEnd(t, { ...base, host: 'ux2', status: 'ok', delegatedTo: 'ux1' });
    r.onTaskEnd(t, { ...base, host: 'ux1', status: 'changed', delegatedTo: 'ux1' });
    r.onTaskEnd(t, { ...base, host: 'ux3', status: 'failed', msg: 'boom', delegatedTo: 'ux1' });
    r.onTaskEnd(t, {
      ...base,
      host: 'ux4',
      status: 'changed',
      delegatedTo: 'ux1',
      items: [{ ...base, host: 'ux4', status: 'changed', delegatedTo: 'ux1', item: SECRET, label: SECRET }],
    });
    expect(out.text.split('\n').slice(2)).toEqual([
      'ok: [ux2 -> ux1]',
      'changed: [ux1]',
      'fatal: [ux3 -> ux1]: FAILED! => boom',
      'changed: [ux4 -> ux1] => (item=********)',
      '',
    ]);
  });

  it('an ignored failure is followed by ...ignoring (a task, and a loop once after its items)', () => {
    const out = new StringStream();
    const r = new PlainReporter({ out, verbosity: 0, diff: false, color: true });
    const t = { id: 'i', name: 'may fail', module: 'command', definedAt: 'p.ts:4', handler: false };
    const base = { host: 'web1', task: 'may fail', definedAt: 'p.ts:4', durationMs: 1, execs: 1 };
    r.onTaskStart(t);
    r.onTaskEnd(t, { ...base, status: 'failed', ignored: true, msg: 'non-zero return code' });
    r.onTaskEnd(t, {
      ...base,
      host: 'web2',
      status: 'failed',
      ignored: true,
      items: [{ ...base, host: 'web2', status: 'failed', ignored: true, msg: 'rc=1', item: 'a', label: 'a' }],
    });
    const lines = out.text.split('\n').slice(2);
    expect(lines.map(strip)).toEqual(['fatal: [web1]: FAILED! => non-zero return code', '...ignoring', 'failed: [web2] (item=a) => rc=1', '...ignoring', '']);
    // red for the failure, cyan for ...ignoring: never the green of ok
    expect(lines[0]).toMatch(/^\x1b\[31m/);
    expect(lines[1]).toMatch(/^\x1b\[36m/);
  });
});
