/**
 * Makes docs/img/report.png and docs/img/live-tree.png from one real run: 3 harness hosts (real sshd), a demo playbook
 * with a change, a vault value in a diff, a failure and a handler, run by `rig run --report` inside a real
 * pseudo-terminal (util-linux `script`). The report page is screenshotted by Debian's chromium; the terminal capture is
 * replayed through xterm.js (@xterm/headless, serialized as HTML by @xterm/addon-serialize; installed into a temp prefix,
 * not a dependency of rig) and screenshotted the same way. Run as root: npx tsx scripts/readme-screenshots.mts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { startTestHosts } from '../test/integration/harness/index.ts';

const repo = path.resolve(import.meta.dirname, '..');
const work = '/tmp/rig-readme-screenshots';
const demo = path.join(work, 'site');
const xterm = path.join(work, 'xterm');
mkdirSync(demo, { recursive: true });
if (!existsSync(path.join(xterm, 'node_modules/@xterm/headless'))) {
  execFileSync('npm', ['install', '--silent', '--no-audit', '--no-fund', '--prefix', xterm, '@xterm/headless', '@xterm/addon-serialize'], { stdio: 'inherit' });
}
writeFileSync(path.join(demo, 'package.json'), '{"type": "module"}\n');
writeFileSync(path.join(demo, 'site.ts'), `import { command, copy, defineHandler, definePlaybook, lineinfile } from ${JSON.stringify(path.join(repo, 'src/index.ts'))};
const reload = defineHandler('reload app', command({ cmd: ['sh', '-c', 'sleep 0.4; touch /srv/app/reloaded'] }));
export default definePlaybook({
  name: 'app servers',
  hosts: 'all',
  become: true,
  handlers: [reload],
  tasks: [
    command({ cmd: ['mkdir', '-p', '/srv/app'], creates: '/srv/app' }, { name: 'app directory' }),
    copy((ctx) => ({ dest: '/srv/app/app.conf', content: \`listen 8080\\nworkers 4\\ndb_password \${String(ctx.var('db_password'))}\\n\` }), { name: 'app config', notify: [reload] }),
    lineinfile({ path: '/etc/hosts', line: '10.0.0.5 db.internal' }, { name: 'db in /etc/hosts' }),
    command({ cmd: ['sh', '-c', 'sleep 0.6; echo "disk check failed: /srv is 97% full" >&2; exit 3'] }, { name: 'disk check', when: (ctx) => ctx.host.name === 'web3' }),
    command({ cmd: ['sh', '-c', 'sleep 0.3'] }, { name: 'warm cache' }),
  ],
});
`);
// ansible-vault encrypt_string of 'all-group-secret' (password: test/fixtures/inventory/vault-yaml/vault-pass.txt)
const vault = readFileSync(path.join(repo, 'test/fixtures/inventory/vault-yaml/hosts.yml'), 'utf8').match(/all_secret: (!vault \|\n +\$ANSIBLE_VAULT\S+\n(?: +[0-9a-f]+\n)+)/)?.[1];
if (!vault) throw new Error('vault value not found in the fixture');
const lab = await startTestHosts({ count: 3, prefix: 'web' });
try {
  const inv = await lab.writeInventory(path.join(demo, 'inventory'));
  mkdirSync(path.join(inv, 'group_vars'), { recursive: true });
  writeFileSync(path.join(inv, 'group_vars', 'all.yml'), `db_password: ${vault}`);
  for (const h of lab.hosts) await lab.exec(h.name, 'mkdir -p /srv/app && printf "listen 80\\nworkers 2\\n" > /srv/app/app.conf');
  const rig = `node ${path.join(repo, 'bin/rig.js')} run site.ts -i inventory --vault-password-file ${path.join(repo, 'test/fixtures/inventory/vault-yaml/vault-pass.txt')}`;
  spawnSync('script', ['-qfec', `stty cols 120 rows 32; ${rig} --report ${work}/report.html`, `${work}/tree.typescript`], { cwd: demo, stdio: 'inherit', env: { ...process.env, CI: '', TERM: 'xterm-256color' } });
} finally {
  await lab.dispose();
}

/** The terminal's screen after `bytes`, as HTML (xterm.js replays the escape sequences as a terminal would). */
async function screen(bytes: string, rows: number): Promise<string> {
  const req = createRequire(path.join(xterm, 'package.json'));
  // the few members used here (the packages are not rig's dependencies, so their types are not installed)
  type Addon = { serializeAsHTML(o: { includeGlobalBackground: boolean }): string };
  type Term = { loadAddon(a: Addon): void; write(data: string, done: () => void): void };
  const { Terminal } = req('@xterm/headless') as { Terminal: new (o: object) => Term };
  const { SerializeAddon } = req('@xterm/addon-serialize') as { SerializeAddon: new () => Addon };
  const term = new Terminal({ cols: 120, rows, allowProposedApi: true });
  const ser = new SerializeAddon();
  term.loadAddon(ser);
  await new Promise<void>((done) => term.write(bytes, done));
  const out = ser.serializeAsHTML({ includeGlobalBackground: true });
  return out.slice(out.indexOf('<pre>'), out.lastIndexOf('</pre>') + 6);
}
let capture = readFileSync(`${work}/tree.typescript`, 'utf8');
capture = capture.slice(capture.indexOf('\n') + 1, capture.lastIndexOf('\nScript done'));
// a frame while a task runs: web1 done, web2 and web3 still spinning
const mid = capture.indexOf('\u001b[?25l', capture.indexOf('changed: [web1]\u001b[39m\r\n  \u001b[33m'));
writeFileSync(`${work}/tree.html`, `<html><head><meta charset="utf-8"><style>body{margin:0;background:#000}h2{color:#bbb;font:13px "DejaVu Sans",sans-serif;margin:8px 10px 0}pre{margin:4px 10px 10px}</style></head><body>
<h2>while running</h2>${await screen(capture.slice(0, mid), 8)}<h2>at the end</h2>${await screen(capture, 22)}</body></html>`);

const shot = (page: string, png: string, size: string) =>
  execFileSync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--user-data-dir=${work}/chromium`, `--window-size=${size}`, `--screenshot=${png}`, `file://${page}`], { stdio: 'ignore' });
shot(`${work}/report.html`, path.join(repo, 'docs/img/report.png'), '1000,1180');
shot(`${work}/tree.html`, path.join(repo, 'docs/img/live-tree.png'), '1120,640');
console.log(`report page: ${(readFileSync(`${work}/report.html`).length / 1024).toFixed(1)} KB; wrote docs/img/report.png, docs/img/live-tree.png`);
