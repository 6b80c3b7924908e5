/**
 * ufw facts: the rules ufw has (`ufw show added`), its on/off switch and default inbound policy (its config files),
 * and whether its chains are loaded in the kernel.
 */
import type { Fact } from '../../../src/index.ts';

/** One rule as `ufw show added` lists it, reduced to what identifies it. */
export interface UfwRule {
  readonly action: string;
  readonly direction: 'in' | 'out';
  /** `in on <iface>`; undefined = any interface. */
  readonly iface?: string;
  /** Source address/CIDR, or 'any'. */
  readonly from: string;
  /** Destination, or 'any'. */
  readonly to: string;
  /** Port list as ufw prints it (`22`, `2377,7946,8301:8302`); undefined = all ports. */
  readonly port?: string;
  /** tcp, udp, esp…, or 'any'. */
  readonly proto: string;
  readonly comment?: string;
}

/** What ufw reports on a host. */
export interface UfwState {
  readonly installed: boolean;
  /** ENABLED=yes in /etc/ufw/ufw.conf (ufw loads its rules at boot and after `ufw enable`). */
  readonly enabled: boolean;
  /** DEFAULT_INPUT_POLICY from /etc/default/ufw: DROP, ACCEPT or REJECT. */
  readonly defaultInput: string;
  /** ufw's chains are in the kernel (ufw-user-input exists), with this many rules. */
  readonly live: { readonly loaded: boolean; readonly rules: number };
  /** Rules added by `ufw allow …`, in order. */
  readonly rules: readonly UfwRule[];
}

/** A rule's identity for comparing (the comment is only a label). */
export function ufwRuleKey(r: UfwRule): string {
  const from = r.from.endsWith('/32') ? r.from.slice(0, -3) : r.from;
  return `${r.action} ${r.direction} on=${r.iface ?? '*'} from=${from} to=${r.to} port=${r.port ?? '*'} proto=${r.proto}`;
}

/** Split a `ufw show added` line into words; single quotes group (comments). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
  return out;
}

const KEYWORDS = new Set(['from', 'to', 'port', 'proto', 'comment', 'app']);

/** Parse one `ufw …` line of `ufw show added` (the simple `allow 22/tcp` and the full `allow from X to any port P proto T` forms). */
export function parseUfwRule(line: string): UfwRule {
  const w = words(line.trim());
  let i = w[0] === 'ufw' ? 1 : 0;
  if (w[i] === 'route') throw new Error(`ufw show added: route rules are not supported here: ${line}`);
  const action = w[i++];
  if (!action || !/^(allow|deny|reject|limit)$/.test(action)) throw new Error(`ufw show added: unexpected line ${JSON.stringify(line)}`);
  let direction: 'in' | 'out' = 'in';
  if (w[i] === 'in' || w[i] === 'out') direction = w[i++] as 'in' | 'out';
  let iface: string | undefined;
  if (w[i] === 'on') {
    iface = w[i + 1];
    i += 2;
  }
  let from = 'any';
  let to = 'any';
  let port: string | undefined;
  let proto = 'any';
  let comment: string | undefined;
  // simple form: `22/tcp`, `80,443/tcp`, `53`
  if (w[i] !== undefined && !KEYWORDS.has(w[i]!)) {
    const [p, t] = w[i++]!.split('/');
    port = p;
    if (t) proto = t;
  }
  while (i < w.length) {
    const k = w[i++]!;
    const v = w[i++];
    if (v === undefined || !KEYWORDS.has(k)) throw new Error(`ufw show added: unexpected ${JSON.stringify(k)} in ${JSON.stringify(line)}`);
    if (k === 'from') from = v;
    else if (k === 'to') to = v;
    else if (k === 'port') port = v;
    else if (k === 'proto') proto = v;
    else if (k === 'comment') comment = v;
    else throw new Error(`ufw show added: application profiles are not supported here: ${line}`);
  }
  return { action, direction, ...(iface ? { iface } : {}), from, to, ...(port ? { port } : {}), proto, ...(comment !== undefined ? { comment } : {}) };
}

// one tagged line each, then ufw's own listing; `ufw show added` reads ufw's rule files, so it works while ufw is off
const COMMAND = [
  'if ! command -v ufw >/dev/null 2>&1; then echo __rig_missing__; else',
  'echo "conf $(grep -s \'^ENABLED=\' /etc/ufw/ufw.conf | tail -n 1)";',
  'echo "policy $(grep -s \'^DEFAULT_INPUT_POLICY=\' /etc/default/ufw | tail -n 1)";',
  'if o=$(iptables -w -S ufw-user-input 2>/dev/null); then echo "live yes $(printf \'%s\\n\' "$o" | grep -c \'^-A\')"; else echo "live no 0"; fi;',
  'ufw show added 2>&1;',
  'fi',
].join(' ');

/** ufw's switch, default inbound policy, kernel state and added rules. */
export const ufwState: Fact<UfwState, void> = {
  name: 'firewall.ufw',
  command: () => `(${COMMAND})`,
  parse(out) {
    const lines = out.stdout.split('\n');
    if (lines[0]?.startsWith('__rig_missing__')) return { installed: false, enabled: false, defaultInput: 'ACCEPT', live: { loaded: false, rules: 0 }, rules: [] };
    let enabled = false;
    let defaultInput = '';
    let live = { loaded: false, rules: 0 };
    let header = false;
    const rules: UfwRule[] = [];
    for (const raw of lines) {
      const line = raw.trim();
      if (line.startsWith('conf ')) enabled = /ENABLED=["']?yes/i.test(line);
      else if (line.startsWith('policy ')) defaultInput = /DEFAULT_INPUT_POLICY=["']?([A-Z]+)/.exec(line)?.[1] ?? '';
      else if (line.startsWith('live ')) {
        const [, loaded, n] = line.split(' ');
        live = { loaded: loaded === 'yes', rules: Number(n ?? 0) };
      } else if (line.startsWith('Added user rules')) header = true;
      else if (line.startsWith('ufw ')) rules.push(parseUfwRule(line));
      else if (line !== '' && line !== '(None)') throw new Error(`ufw: unexpected output ${JSON.stringify(line)}`);
    }
    if (!header) throw new Error(`ufw show added: no listing in ${JSON.stringify(out.stdout.slice(0, 300))}`);
    return { installed: true, enabled, defaultInput, live, rules };
  },
};
