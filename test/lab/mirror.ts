/** The Debian mirror debootstrap uses: the one this machine's apt is already configured with. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FALLBACK = 'http://deb.debian.org/debian';

/** Pick the first non-security Debian mirror serving `suite` from /etc/apt (RIG_LAB_MIRROR overrides). */
export function debianMirror(suite: string, env: NodeJS.ProcessEnv = process.env, aptDir = '/etc/apt'): string {
  if (env['RIG_LAB_MIRROR']) return env['RIG_LAB_MIRROR'];
  const files: string[] = [];
  if (existsSync(join(aptDir, 'sources.list'))) files.push(join(aptDir, 'sources.list'));
  const d = join(aptDir, 'sources.list.d');
  if (existsSync(d)) for (const f of readdirSync(d).sort()) if (/\.(list|sources)$/.test(f)) files.push(join(d, f));
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    const found = f.endsWith('.sources') ? fromDeb822(text, suite) : fromOneLine(text, suite);
    if (found) return found;
  }
  return FALLBACK;
}

function usable(uri: string): boolean {
  return /^https?:\/\//.test(uri) && !/security/.test(uri);
}

function fromOneLine(text: string, suite: string): string | null {
  for (const line of text.split('\n')) {
    const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
    if (m && m[2] === suite && usable(m[1] ?? '')) return m[1] ?? null;
  }
  return null;
}

function fromDeb822(text: string, suite: string): string | null {
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string): string[] =>
      (new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(stanza)?.[1] ?? '').split(/\s+/).filter(Boolean);
    if (!field('Types').includes('deb') || !field('Suites').includes(suite)) continue;
    if (/^Enabled:\s*no/mi.test(stanza)) continue;
    const uri = field('URIs').find(usable);
    if (uri) return uri;
  }
  return null;
}
