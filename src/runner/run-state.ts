/** Run-wide state shared by the play loop and task execution. */
import type { Host, HostFacts, HostRecap, Play, Role, TaskResult, Vars } from '../core/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { HostRuntime } from './host-runtime.ts';
import { cachedFacts } from './fact-cache.ts';
import type { RunOptions } from './options.ts';

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
  ) {
    this.extraVars = options.extraVars ?? {};
  }

  /** The runtime of a host, created on first use (delegate targets outside --limit included). */
  runtime(host: Host): HostRuntime {
    let rt = this.runtimes.get(host.name);
    if (!rt) {
      rt = new HostRuntime(host);
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

  /** Effective vars of a host for a task in `scope`. */
  varsFor(rt: HostRuntime, scope: TaskScope): Vars {
    return rt.vars({ roleDefaults: scope.role?.defaults, playVars: scope.play.vars, extraVars: this.extraVars });
  }

  /** Record a result in the recap and the result list. */
  record(result: TaskResult): void {
    this.results.push(result);
    const r = this.recapOf(result.host);
    if (result.status === 'failed' && result.ignored) r.ignored += 1;
    else r[result.status] += 1;
  }
}
