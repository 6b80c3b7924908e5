/**
 * Firewall with firewalld: rig's allow rules in one zone, runtime and permanent. From anywhere: the zone's ports
 * (`--add-port=22/tcp`) and protocols; from some sources: rich rules (`rule family="ipv4" source address="10.77.0.0/24"
 * port port="2377" protocol="tcp" accept`). Only what neither the zone nor an admin's entry admits yet is added, the
 * runtime layer first (SSH first), then the permanent one; the admin's own services, ports and rich rules are kept.
 * Source: firewall-cmd(1), firewalld.zone(5), firewalld.richlanguage(5).
 */
import { defineModule, read, sh, strict, z, type Change, type Plan, type PlanContext, type Reads, type ReadonlyDeep } from '../../../src/index.ts';
import { firewalldState, type FirewalldState, type ZoneInfo } from './firewall-firewalld-facts.ts';
import { zoneAdmits, type FirewalldWant, type ServiceDefs } from './firewalld-coverage.ts';
import { allowRules, inputPolicy, type AllowRule } from './firewall.ts';

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/** Args schema of firewalldFirewall. */
export const firewalldFirewallArgs = strict({
  rules: allowRules.describe('Allow rules in order; put SSH first (it is added before anything else). No iifnames: firewalld binds interfaces to zones. Comments are not kept (firewalld has none).'),
  inputPolicy: inputPolicy.describe("'drop' (default): the zone's target is left as it is unless it is ACCEPT, which becomes `default` (reject what no rule admits, ICMP allowed); 'accept': target ACCEPT."),
  zone: z
    .string()
    .regex(/^[A-Za-z0-9_+-]{1,17}$/, { error: (iss) => `${show(iss.input)} is not a firewalld zone name (1-17 letters, digits, _+-)` })
    .optional()
    .describe('The zone that gets the rules (it must exist). Default: the zone `interface` is in, else the default zone.'),
  interface: z
    .string()
    .regex(/^[A-Za-z0-9_.+-]{1,15}$/, { error: (iss) => `${show(iss.input)} is not an interface name (1-15 letters, digits, _.+-)` })
    .optional()
    .describe("The interface whose zone gets the rules when `zone` is not given (the cluster interface); an interface in no zone uses firewalld's default zone."),
}).describe("firewalld admits the allowed traffic in one zone, in the runtime and the permanent configuration (so it survives `firewall-cmd --reload` and reboots); the zone's other entries are kept.");
/** Arguments of firewalldFirewall. */
export type FirewalldFirewallArgs = ReadonlyDeep<z.infer<typeof firewalldFirewallArgs>>;

/** What firewalldFirewall reads. */
export interface FirewalldFirewallState {
  readonly firewalld: FirewalldState;
}

/** One element rig wants: what it admits and the firewall-cmd option that adds it (zone option or rich rule). */
export interface FirewalldWanted {
  readonly want: FirewalldWant;
  /** firewall-cmd takes several options of one kind in a call, never ports, protocols and rich rules mixed. */
  readonly kind: 'port' | 'protocol' | 'rich';
  /** `--add-port=22/tcp`, `--add-protocol=esp`, or the rich rule text. */
  readonly arg: string;
}

const rangeText = (p: readonly [number, number]): string => (p[0] === p[1] ? String(p[0]) : `${p[0]}-${p[1]}`);

/** The firewalld elements for these allow rules, in order: one per source and port (a rich rule takes one port). */
export function firewalldWanted(rules: readonly AllowRule[]): FirewalldWanted[] {
  const out: FirewalldWanted[] = [];
  for (const r of rules) {
    for (const from of r.from === 'any' ? ['any'] : r.from) {
      const source = `rule family="ipv4" source address="${from}"`;
      if (r.proto === 'esp') {
        const want: FirewalldWant = { proto: 'esp', from };
        out.push(from === 'any' ? { want, kind: 'protocol', arg: '--add-protocol=esp' } : { want, kind: 'rich', arg: `${source} protocol value="esp" accept` });
        continue;
      }
      for (const p of r.ports ?? []) {
        const ports: [number, number] = typeof p === 'number' ? [p, p] : [p[0], p[1]];
        const want: FirewalldWant = { proto: r.proto, ports, from };
        out.push(
          from === 'any'
            ? { want, kind: 'port', arg: `--add-port=${rangeText(ports)}/${r.proto}` }
            : { want, kind: 'rich', arg: `${source} port port="${rangeText(ports)}" protocol="${r.proto}" accept` },
        );
      }
    }
  }
  return out;
}

/** Debian's fresh firewalld (what check mode plans against before it is installed): zone public, ssh and dhcpv6-client. */
export const FRESH_DEBIAN: Extract<FirewalldState, { status: 'running' }> = {
  status: 'running',
  zone: 'public',
  runtime: { name: 'public', target: 'default', interfaces: [], sources: [], services: ['dhcpv6-client', 'ssh'], ports: [], protocols: [], richRules: [] },
  permanent: { name: 'public', target: 'default', interfaces: [], sources: [], services: ['dhcpv6-client', 'ssh'], ports: [], protocols: [], richRules: [] },
  services: { ssh: { ports: [{ port: '22', protocol: 'tcp' }], protocols: [] }, 'dhcpv6-client': { ports: [{ port: '546', protocol: 'udp' }], protocols: [] } },
};

/** The firewall-cmd commands adding `missing` to one layer: consecutive elements of a kind in one call (kinds cannot share one). */
function addCommands(zone: string, permanent: boolean, missing: readonly FirewalldWanted[]): Change[] {
  const groups: FirewalldWanted[][] = [];
  for (const w of missing) {
    const last = groups.at(-1);
    if (last && last[0]!.kind === w.kind) last.push(w);
    else groups.push([w]);
  }
  const layer = permanent ? ['--permanent'] : [];
  return groups.map((g) => {
    const opts = g.map((w) => (w.kind === 'rich' ? `--add-rich-rule=${w.arg}` : w.arg));
    return {
      kind: 'exec',
      command: sh`firewall-cmd ${[...layer, `--zone=${zone}`, ...opts]}`.text,
      description: `firewall-cmd ${permanent ? '--permanent ' : ''}--zone=${zone}: add ${g.map((w) => (w.kind === 'rich' ? w.arg : w.arg.replace(/^--add-(port|protocol)=/, ''))).join('; ')}`,
    };
  });
}

const targetOk = (target: string, policy: 'drop' | 'accept'): boolean => (policy === 'accept' ? target === 'ACCEPT' : target !== 'ACCEPT');

function plan(a: FirewalldFirewallArgs, s: FirewalldFirewallState, ctx: PlanContext | undefined): Plan<undefined> {
  let f = s.firewalld;
  const host = ctx?.host.name ?? 'host';
  let predicted = '';
  if (f.status === 'no-zone') return { changes: [], failed: `host ${host}: firewalld has no zone ${show(f.zone)}: create it, or give another zone (variable firewall_firewalld_zone)` };
  if (f.status !== 'running') {
    if (!ctx?.check) {
      return {
        changes: [],
        failed: `host ${host}: firewalld is ${f.status === 'missing' ? 'not installed' : 'not running'}: install and start it (apt-get install firewalld; systemctl enable --now firewalld), as the firewall role does with firewall_boot_unit: true`,
      };
    }
    // check mode before the install/start a previous task predicts: firewalld will load its permanent configuration
    // (Debian's fresh one when it is not installed yet)
    if (f.status === 'stopped') {
      predicted = 'firewalld not running yet: planned against its permanent configuration; ';
      f = { status: 'running', ...f.configured, runtime: f.configured.permanent };
    } else {
      predicted = "firewalld not installed yet: planned against Debian's fresh zone public; ";
      f = { ...FRESH_DEBIAN, ...(a.zone ? { zone: a.zone } : {}) };
    }
  }
  const policy = a.inputPolicy ?? 'drop';
  const wanted = firewalldWanted(a.rules);
  const services: ServiceDefs = f.services;
  const missingIn = (zone: ZoneInfo) => wanted.filter((w) => !zoneAdmits(zone, services, w.want));
  const runtimeMissing = missingIn(f.runtime);
  const permanentMissing = missingIn(f.permanent);
  // runtime first: SSH is admitted now, before the permanent layer or a target change could matter
  const changes: Change[] = [...addCommands(f.zone, false, runtimeMissing), ...addCommands(f.zone, true, permanentMissing)];
  const target = policy === 'accept' ? 'ACCEPT' : 'default';
  const setTarget = !targetOk(f.permanent.target, policy);
  if (setTarget) changes.push({ kind: 'exec', command: sh`firewall-cmd --permanent ${`--zone=${f.zone}`} ${`--set-target=${target}`}`.text, description: `firewall-cmd --permanent --zone=${f.zone} --set-target=${target}` });
  // a zone's target is permanent only: the runtime takes it at a reload, which keeps rig's rules (all in permanent by now)
  const reload = !targetOk(f.runtime.target, policy);
  if (reload) changes.push({ kind: 'exec', command: 'firewall-cmd --reload', description: 'firewall-cmd --reload (the zone target changes only at a reload; runtime-only changes not in the permanent configuration are dropped)' });
  const why = [
    ...(runtimeMissing.length ? [`${runtimeMissing.length} runtime`] : []),
    ...(permanentMissing.length ? [`${permanentMissing.length} permanent`] : []),
  ];
  const msg = [
    ...(why.length ? [`zone ${f.zone}: ${why.join(' + ')} element(s) added`] : []),
    ...(setTarget ? [`target ${target}`] : []),
    ...(reload ? ['reloaded'] : []),
  ].join(', ');
  return { changes, ...(msg || predicted ? { msg: predicted + (msg || 'nothing to add') } : {}) };
}

/** firewalld admits the wanted traffic in one zone, runtime and permanent (others' entries kept); the zone target follows the policy. */
export const firewalldFirewallModule = defineModule<FirewalldFirewallArgs, FirewalldFirewallState, undefined>({
  name: 'firewalldFirewall',
  args: firewalldFirewallArgs,
  validate: (a) =>
    a.rules.flatMap((r, i) =>
      r.iifnames?.length
        ? [`rules[${i}].iifnames: firewalld binds interfaces to zones (Docker puts its bridges in zone docker itself): remove iifnames, or bind the interface to a zone`]
        : [],
    ),
  probe: (a): Reads<FirewalldFirewallState> => ({ firewalld: read(firewalldState, { ...(a.zone ? { zone: a.zone } : {}), ...(a.interface ? { iface: a.interface } : {}) }) }),
  plan: (a, s, ctx) => plan(a, s, ctx),
});
