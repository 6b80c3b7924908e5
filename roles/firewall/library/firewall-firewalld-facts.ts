/**
 * firewalld facts: whether firewalld runs, which zone rig's rules go in (given, else the zone of an interface, else the
 * default zone), that zone's runtime and permanent configuration (`firewall-cmd [--permanent] --info-zone`), and the
 * ports of the services it lists (their XML definitions, /etc/firewalld/services over /usr/lib/firewalld/services).
 * Stopped: the same, read by firewall-offline-cmd from the permanent configuration.
 * Source: firewall-cmd(1), firewall-offline-cmd(1), firewalld.zone(5), firewalld.service(5), firewalld.richlanguage(5).
 */
import { sh, type Fact } from '../../../src/index.ts';

/** A port or port range (`22`, `8301-8302`) with its protocol, as a zone or service lists it. */
export interface FirewalldPort {
  /** `22` or `8301-8302`. */
  readonly port: string;
  readonly protocol: string;
}

/** One rich rule, reduced to what decides whether it admits traffic (firewalld.richlanguage(5)). */
export interface RichRule {
  /** The rule as firewall-cmd lists it (also how it is removed). */
  readonly text: string;
  /** `ipv4`, `ipv6`, or undefined (both). */
  readonly family?: string;
  /** `source address=…`; undefined = any source. `other` = a source by mac or ipset (not compared). */
  readonly source?: { readonly address?: string; readonly invert: boolean; readonly other: boolean };
  readonly destination: boolean;
  /** What the rule matches; undefined = all traffic (of the family, from the source). */
  readonly element?:
    | { readonly kind: 'port'; readonly port: string; readonly protocol: string }
    | { readonly kind: 'protocol'; readonly value: string }
    | { readonly kind: 'service'; readonly name: string }
    | { readonly kind: 'other'; readonly name: string };
  /** accept, reject, drop, mark; undefined for a log/audit-only rule. */
  readonly action?: string;
}

/** One zone as `firewall-cmd --info-zone` prints it. */
export interface ZoneInfo {
  readonly name: string;
  /** `default`, `ACCEPT`, `DROP`, `%%REJECT%%`. */
  readonly target: string;
  readonly interfaces: readonly string[];
  readonly sources: readonly string[];
  readonly services: readonly string[];
  readonly ports: readonly FirewalldPort[];
  readonly protocols: readonly string[];
  readonly richRules: readonly RichRule[];
}

/** Ports and protocols of services, by name. */
export type ServicePorts = Readonly<Record<string, { readonly ports: readonly FirewalldPort[]; readonly protocols: readonly string[] }>>;

/** What firewalld reports on a host. */
export type FirewalldState =
  | { readonly status: 'missing' }
  | {
      readonly status: 'stopped';
      /** The permanent configuration (`firewall-offline-cmd`): what firewalld loads when it starts. */
      readonly configured: { readonly zone: string; readonly permanent: ZoneInfo; readonly services: ServicePorts };
    }
  | { readonly status: 'no-zone'; readonly zone: string }
  | {
      readonly status: 'running';
      /** The zone rig's rules go in. */
      readonly zone: string;
      readonly runtime: ZoneInfo;
      readonly permanent: ZoneInfo;
      /** Ports and protocols of the services the zone lists (runtime or permanent), by name. */
      readonly services: ServicePorts;
    };

/** Which zone to read: `zone` if given, else the zone `iface` is bound to, else firewalld's default zone. */
export interface FirewalldStateArgs {
  readonly zone?: string;
  readonly iface?: string;
}

const words = (v: string): string[] => v.trim().split(/\s+/).filter(Boolean);

/** Parse one rich rule as firewall-cmd lists it: `rule family="ipv4" source address="10.0.0.0/8" port port="22" protocol="tcp" accept`. */
export function parseRichRule(text: string): RichRule {
  const tokens: [string, string | undefined][] = [];
  const re = /([A-Za-z_-]+)="((?:[^"\\]|\\.)*)"|([A-Za-z_-]+)=(\S+)|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) tokens.push(m[5] !== undefined ? [m[5], undefined] : [m[1] ?? m[3]!, m[2] ?? m[4]!]);
  if (tokens[0]?.[0] !== 'rule' || tokens[0][1] !== undefined) throw new Error(`firewalld: not a rich rule: ${JSON.stringify(text)}`);
  let section = 'rule';
  let invert = false;
  const attrs = new Map<string, Map<string, string>>();
  const sections: string[] = [];
  let action: string | undefined;
  for (const [key, value] of tokens.slice(1)) {
    if (value === undefined) {
      if (key === 'not') {
        invert = true;
        continue;
      }
      // `limit value=…` belongs to the section before it (log, audit or the action)
      if (key === 'limit') continue;
      section = key;
      sections.push(key);
      if (/^(accept|reject|drop|mark)$/.test(key)) action = key;
      continue;
    }
    if (!attrs.has(section)) attrs.set(section, new Map());
    attrs.get(section)!.set(key, value);
    if (section === 'source' && invert) attrs.get(section)!.set('__not', 'yes');
    if (section !== 'source' && section !== 'destination') invert = false;
  }
  const a = (s: string, k: string): string | undefined => attrs.get(s)?.get(k);
  const src = attrs.get('source');
  const family = a('rule', 'family');
  const source = src
    ? { ...(src.get('address') !== undefined ? { address: src.get('address')! } : {}), invert: src.get('__not') === 'yes', other: src.get('address') === undefined }
    : undefined;
  const elementName = sections.find((s) => !/^(source|destination|log|nflog|audit|accept|reject|drop|mark)$/.test(s));
  const element: RichRule['element'] =
    elementName === undefined
      ? undefined
      : elementName === 'port'
        ? { kind: 'port', port: a('port', 'port') ?? '', protocol: a('port', 'protocol') ?? '' }
        : elementName === 'protocol'
          ? { kind: 'protocol', value: a('protocol', 'value') ?? '' }
          : elementName === 'service'
            ? { kind: 'service', name: a('service', 'name') ?? '' }
            : { kind: 'other', name: elementName };
  return {
    text,
    ...(family !== undefined ? { family } : {}),
    ...(source ? { source } : {}),
    destination: sections.includes('destination'),
    ...(element ? { element } : {}),
    ...(action ? { action } : {}),
  };
}

const portList = (v: string): FirewalldPort[] =>
  words(v).map((p) => {
    const [port, protocol] = p.split('/');
    return { port: port!, protocol: protocol ?? '' };
  });

/** Parse `firewall-cmd [--permanent] --info-zone=Z` (the zone name, then `  key: value` lines, rich rules one per line). */
export function parseZoneInfo(text: string): ZoneInfo {
  const lines = text.split('\n');
  const name = lines[0]?.trim().replace(/\s+\(.*\)$/, '') ?? '';
  if (!name || /\s/.test(name)) throw new Error(`firewalld --info-zone: unexpected output ${JSON.stringify(text.slice(0, 200))}`);
  const kv = new Map<string, string>();
  const rich: RichRule[] = [];
  let inRich = false;
  for (const raw of lines.slice(1)) {
    if (raw.trim() === '') continue;
    const m = /^ {2}([a-z -]+):\s?(.*)$/.exec(raw);
    if (m) {
      kv.set(m[1]!, m[2]!);
      inRich = m[1] === 'rich rules';
      if (inRich && m[2]!.trim()) rich.push(parseRichRule(m[2]!.trim()));
    } else if (inRich && /^\s+rule\b/.test(raw)) rich.push(parseRichRule(raw.trim()));
    else throw new Error(`firewalld --info-zone ${name}: unexpected line ${JSON.stringify(raw)}`);
  }
  if (!kv.has('target')) throw new Error(`firewalld --info-zone ${name}: no target in ${JSON.stringify(text.slice(0, 200))}`);
  return {
    name,
    target: kv.get('target')!.trim(),
    interfaces: words(kv.get('interfaces') ?? ''),
    sources: words(kv.get('sources') ?? ''),
    services: words(kv.get('services') ?? ''),
    ports: portList(kv.get('ports') ?? ''),
    protocols: words(kv.get('protocols') ?? ''),
    richRules: rich,
  };
}

/**
 * Ports and protocols of a service definition (firewalld.service(5) XML: `<port protocol="tcp" port="22"/>`). A service
 * limited to a destination (dhcpv6-client: `<destination ipv6="fe80::/64"/>`) admits none of rig's traffic: no ports.
 */
export function parseServiceXml(xml: string): { ports: FirewalldPort[]; protocols: string[] } {
  if (/<destination\b/.test(xml)) return { ports: [], protocols: [] };
  const attr = (tag: string, name: string): string | undefined => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  const ports = [...xml.matchAll(/<port\b[^>]*>/g)].map((m) => ({ port: attr(m[0], 'port') ?? '', protocol: attr(m[0], 'protocol') ?? '' }));
  const protocols = [...xml.matchAll(/<protocol\b[^>]*>/g)].map((m) => attr(m[0], 'value') ?? '').filter(Boolean);
  return { ports, protocols };
}

// firewall-cmd prints "no zone" (exit 2) for an interface in no zone; then the default zone applies (firewalld.zone(5)).
// firewalld stopped: firewall-offline-cmd reads the permanent configuration, which is what firewalld loads when it starts
function command(a: FirewalldStateArgs): string {
  const pick = a.zone
    ? sh`z=${a.zone}`.text
    : a.iface
      ? sh`z=$($fc --get-zone-of-interface=${a.iface} 2>/dev/null) || z=$($fc --get-default-zone)`.text
      : 'z=$($fc --get-default-zone)';
  return [
    'if ! command -v firewall-cmd >/dev/null 2>&1; then echo __rig_missing__; else',
    'if firewall-cmd --state >/dev/null 2>&1; then fc=firewall-cmd; else echo __rig_stopped__; fc=firewall-offline-cmd; fi;',
    `${pick};`,
    'echo "__zone__ $z";',
    'if ! r=$($fc --info-zone="$z" 2>&1); then echo "__no_zone__ $r"; else',
    'echo __runtime__; printf "%s\\n" "$r";',
    'if [ "$fc" = firewall-cmd ]; then p=$(firewall-cmd --permanent --info-zone="$z") || exit 1; else p=$r; fi;',
    'echo __permanent__; printf "%s\\n" "$p";',
    'for s in $(printf "%s\\n%s\\n" "$r" "$p" | sed -n "s/^  services: //p" | tr " " "\\n" | sort -u); do',
    'echo "__service__ $s"; cat "/etc/firewalld/services/$s.xml" 2>/dev/null || cat "/usr/lib/firewalld/services/$s.xml" 2>/dev/null;',
    'done; fi; fi',
  ].join(' ');
}

/** firewalld's status and the zone rig's rules go in, runtime and permanent. */
export const firewalldState: Fact<FirewalldState, FirewalldStateArgs> = {
  name: 'firewall.firewalld',
  command: (a) => `(${command(a)})`,
  parse(out) {
    const text = out.stdout;
    if (text.startsWith('__rig_missing__')) return { status: 'missing' };
    const stopped = text.startsWith('__rig_stopped__');
    const zone = /^__zone__ (.*)$/m.exec(text)?.[1]?.trim();
    if (zone === undefined) throw new Error(`firewalld: unexpected output ${JSON.stringify(text.slice(0, 300))}`);
    if (/^__no_zone__ /m.test(text)) {
      if (/INVALID_ZONE/.test(text)) return { status: 'no-zone', zone };
      throw new Error(`firewall-cmd --info-zone=${zone}: ${text.split('__no_zone__ ')[1]?.trim()}`);
    }
    const [, afterRuntime = ''] = text.split('\n__runtime__\n');
    const [runtimeText = '', rest = ''] = afterRuntime.split('\n__permanent__\n');
    const [permanentText = '', ...serviceParts] = rest.split(/^__service__ /m);
    const services: Record<string, { ports: FirewalldPort[]; protocols: string[] }> = {};
    for (const part of serviceParts) {
      const nl = part.indexOf('\n');
      const name = (nl < 0 ? part : part.slice(0, nl)).trim();
      services[name] = parseServiceXml(nl < 0 ? '' : part.slice(nl + 1));
    }
    const permanent = parseZoneInfo(permanentText);
    if (stopped) return { status: 'stopped', configured: { zone, permanent, services } };
    return { status: 'running', zone, runtime: parseZoneInfo(runtimeText), permanent, services };
  },
};
