/** Run-wide state shared by the play loop and task execution. */
import { ValidationError, type Host, type HostFacts, type HostRecap, type Play, type Role, type StandardSchemaV1, type TaskResult, type Vars } from '../core/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { HostRuntime, sameVars } from './host-runtime.ts';
import { cachedFacts } from './fact-cache.ts';
import type { RunOptions } from './options.ts';
import { coerceVars, varProblemsOf } from './role-vars.ts';
import { lazyVars, needsRendering, withVars } from './lazy-vars.ts';
import { hostvarsOf, magicVar } from './magic-vars.ts';

/** Where a task comes from: its play and, for role tasks, its role. */
export interface TaskScope {
  readonly play: Play;
  readonly role?: Role;
}

/** State of one run. */
export class RunState {
  readonly runtimes = new Map<string, HostRuntime>();
  readonly results: TaskResult[] = [];
  readonly recap = new Map<string, HostRecap>();
  readonly extraVars: Vars;

  constructor(
    readonly inventory: Inventory,
    readonly options: RunOptions,
    /** Role variable schemas of the whole playbook (see playbookVarSchemas). @default {} */
    readonly varSchemas: Readonly<Record<string, StandardSchemaV1>> = {},
  ) {
    this.extraVars = options.extraVars ?? {};
  }

  /** The runtime of a host, created on first use (delegate targets outside --limit included). */
  runtime(host: Host): HostRuntime {
    let rt = this.runtimes.get(host.name);
    if (!rt) {
      rt = new HostRuntime(host);
      rt.onWait = (wait) => this.options.reporter.onWait?.(host.name, wait);
      this.runtimes.set(host.name, rt);
    }
    return rt;
  }

  private readonly cached = new Map<string, HostFacts | undefined>();

  /** Facts of a host: gathered in this run, else cached on the controller by an earlier run (read once per run). */
  factsOf(name: string): HostFacts | undefined {
    const live = this.runtimes.get(name)?.facts;
    if (live) return live;
    const host = this.inventory.host(name);
    if (!host) return undefined;
    if (!this.cached.has(name)) this.cached.set(name, cachedFacts(host));
    return this.cached.get(name);
  }

  /** Recap counters of a host. */
  recapOf(host: string): HostRecap {
    let r = this.recap.get(host);
    if (!r) {
      r = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0, ignored: 0, rescued: 0, execs: 0 };
      this.recap.set(host, r);
    }
    return r;
  }

  /**
   * Effective vars of a host for a task in `scope`, typed by the playbook's role variable schemas (`-e port=9090` is the
   * number 9090 in every scope; inside a role its own variables must all be valid).
   * @throws ValidationError naming host and variable when a value (e.g. set by setFact) does not fit its schema.
   */
  varsFor(rt: HostRuntime, scope: TaskScope): Vars {
    const raw = rt.vars({ roleDefaults: scope.role?.defaults, playVars: scope.play.vars, roleParams: scope.role?.params, extraVars: this.extraVars });
    return this.typed(rt.host.name, this.rendered(rt.host.name, raw, scope, rt), scope.role);
  }

  /** Vars of another host as `ctx.hostvars(name)` and Jinja's `hostvars[name]` see them (its runtime's, else its
   *  inventory vars under the play's vars and -e), rendered for that host. */
  hostvars(name: string, scope: TaskScope): Vars {
    const other = this.inventory.host(name);
    if (!other) throw new ValidationError({ message: `hostvars: no host '${name}' in the inventory` });
    const ort = this.runtimes.get(name);
    if (ort) return this.varsFor(ort, scope);
    return this.typed(name, this.rendered(name, { ...other.vars, ...scope.play.vars, ...this.extraVars }, scope));
  }

  private readonly views = new Map<string, { raw: Vars; facts: number; view: Vars }[]>();
  private readonly hostvarsViews = new WeakMap<object, Readonly<Record<string, Vars>>>();
  private templatesInExtra: boolean | undefined;
  private readonly templatesInHost = new Map<string, boolean>();

  /**
   * `raw` (a host's merged vars) with its Jinja values rendered when read: inventory and -e values are templates
   * (play vars, role defaults and setFact values are TypeScript values, never rendered). Cached per host while the
   * values and facts are the same, so each template renders once per host and scope.
   */
  private rendered(host: string, raw: Vars, scope: TaskScope, rt?: HostRuntime): Vars {
    const inv = this.inventory.host(host)?.vars ?? {};
    let own = this.templatesInHost.get(host);
    if (own === undefined) this.templatesInHost.set(host, (own = needsRendering(inv, () => true)));
    if (!own && !(this.templatesInExtra ??= needsRendering(this.extraVars, () => true))) return raw;
    const facts = rt?.factsVersion ?? 0;
    const cached = this.views.get(host) ?? [];
    const hit = cached.find((c) => c.facts === facts && sameVars(c.raw, raw));
    if (hit) return hit.view;
    const extra = this.extraVars;
    const over = [scope.role?.params ?? {}, rt?.setVars ?? {}, scope.play.vars];
    const view = lazyVars(raw, {
      host,
      templated: (n) => Object.hasOwn(extra, n) || (Object.hasOwn(inv, n) && !over.some((l) => Object.hasOwn(l, n))),
      magic: (n) => magicVar(this.inventory, host, n, () => this.hostvarsProxy(scope), rt?.facts),
      origin: (n) => (Object.hasOwn(extra, n) ? `-e ${n}` : this.inventory.varOrigin?.(host, n)),
    });
    this.views.set(host, [{ raw, facts, view }, ...cached].slice(0, 4));
    return view;
  }

  private hostvarsProxy(scope: TaskScope): Readonly<Record<string, Vars>> {
    const key = scope.role ?? scope.play;
    let p = this.hostvarsViews.get(key);
    if (!p) this.hostvarsViews.set(key, (p = hostvarsOf(this.inventory, (name) => this.hostvars(name, scope))));
    return p;
  }

  /** `vars` of `host` coerced by the schemas (cached: contexts are built for every task and loop item). */
  typed(host: string, vars: Vars, role?: Role): Vars {
    const names = this.varNames;
    if (!names.length && !role) return vars;
    const key = `${host}\0${role ? roleKey(role) : ''}`;
    const hit = this.typedCache.get(key);
    if (hit && names.every((n, i) => hit.raw[i] === vars[n])) return Object.keys(hit.fixed).length ? withVars(vars, hit.fixed) : vars;
    // other roles' schemas only coerce what fits them (two roles may type one name differently); a role's own are the law
    let r = coerceVars(this.varSchemas, vars);
    if (role) r = coerceVars(role.varSchemas, r.vars, true);
    if (r.problems.length) throw new ValidationError(varProblemsOf(role, host, r.problems));
    const fixed: Record<string, unknown> = {};
    for (const n of names) if (r.vars[n] !== vars[n]) fixed[n] = r.vars[n];
    this.typedCache.set(key, { raw: names.map((n) => vars[n]), fixed });
    return r.vars;
  }

  private get varNames(): readonly string[] {
    return (this.names ??= Object.keys(this.varSchemas));
  }

  private names: readonly string[] | undefined;

  private readonly typedCache = new Map<string, { readonly raw: readonly unknown[]; readonly fixed: Readonly<Record<string, unknown>> }>();

  /** Record a result in the result list and the recap, counted as ansible-playbook's stats count it: `ok` for every
   *  result that is not failed, skipped or unreachable (a changed one too), an ignored failure as `ok` and `ignored`. */
  record(result: TaskResult): void {
    this.results.push(result);
    const r = this.recapOf(result.host);
    if (result.status === 'ok') r.ok += 1;
    else if (result.status === 'changed') (r.ok += 1), (r.changed += 1);
    else if (result.status === 'failed' && result.ignored) {
      r.ok += 1;
      r.ignored += 1;
      // Ansible's is_changed(): a command that ran and failed reports changed (the command module sets it before
      // looking at rc), a loop is changed when any item is
      if (ranChange(result) || result.items?.some(ranChange)) r.changed += 1;
    }
    else r[result.status] += 1;
  }
}

/** A result Ansible would report `changed: true`: changed; failed after changing (failedWhen, until); a command that ran
 *  (it has an exit code) and failed. */
function ranChange(r: TaskResult): boolean {
  return r.status === 'changed' || (r.status === 'failed' && (r.changed === true || (r.rc !== undefined && (r.changes?.length ?? 0) > 0)));
}

const roleKeys = new WeakMap<Role, number>();
let lastRoleKey = 0;
/** One key per use of a role (the same role with other params is another scope). */
function roleKey(role: Role): number {
  let k = roleKeys.get(role);
  if (k === undefined) roleKeys.set(role, (k = ++lastRoleKey));
  return k;
}
