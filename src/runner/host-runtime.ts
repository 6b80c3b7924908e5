/** Per-host mutable state during a run: connection, facts, vars layers, registered results, read cache. */
import type { Connection, ExecOutput, Host, HostFacts, TaskKey, TaskResult, Vars, WaitInfo } from '../core/index.ts';
import { PredictedFiles } from './predicted/files.ts';

/** Args resolved for one task and item: valid while the host's setFact variables equal `vars` (and its facts are the
 *  `facts` version, when the function read them) and the item is the same. */
export interface ArgsMemo {
  readonly vars: Readonly<Record<string, unknown>>;
  readonly facts?: number;
  readonly item: string;
  /** Set instead of `args` when the function needed the result of this task, which had not run then. */
  readonly waitsFor?: TaskKey;
  /** The NotYetRun message naming that task. */
  readonly waitsMessage?: string;
  readonly args?: unknown;
}

/** Thrown when a task planned ahead in a segment reads another host (whose state the lockstep would change first). */
export class AheadBarrier extends Error {
  constructor(what: string) {
    super(`reads ${what} of another host: planned when the play reaches it`);
    this.name = 'AheadBarrier';
  }
}

/** While a segment plans ahead (segment.ts): the results predicted for its tasks so far, and whether a task read
 *  another host (a barrier even if the task's own code caught the error). */
export interface AheadPlanning {
  readonly results: Map<TaskKey, TaskResult>;
  crossed: boolean;
}

/** A task a segment already applied, waiting for the play to reach it: its result (finished then, with changedWhen /
 *  failedWhen seeing the results of the tasks before it) and the variables it sets. */
export interface AheadResult {
  finish(): TaskResult;
  readonly setVars: Readonly<Record<string, unknown>>;
}

/** Changes applied on any host (each HostRuntime.invalidate): another host's change can change what a host answers
 *  (a node joining the swarm changes the manager's node list), so a delegated task uses a host's cached reads only
 *  while this is what it was when they were read. */
let changesAnywhere = 0;

/** A string with no tie to the string it was cut or built from (JSON round trip: exact for any string, one-byte
 *  where it can be). */
const flatCopy = (s: string): string => (s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string));

/** A host's read cache (key: privilege + read, see reads.ts cacheKey), which knows whether anything changed on any host
 *  since its oldest entry was read. Cleared by the host's own changes. */
export class ReadCache extends Map<string, ExecOutput> {
  private since: number | undefined;

  override set(key: string, out: ExecOutput): this {
    if (this.size === 0) this.since = changesAnywhere;
    // kept for the run: own flat copies, not slices and concatenations that pin the whole batched output (13 KB per host
    // in the bench, 1000 hosts) and a chain of pieces per key
    return super.set(flatCopy(key), { stdout: flatCopy(out.stdout), stderr: flatCopy(out.stderr), code: out.code });
  }

  override clear(): void {
    super.clear();
    this.since = undefined;
  }

  /** Every entry was read after the last change on any host: a delegated task may use them (the host's own tasks
   *  always may: rig's model is that a host's state changes through its own tasks). */
  get current(): boolean {
    return this.since === undefined || this.since === changesAnywhere;
  }
}

/** Everything the runner tracks for one host. */
export class HostRuntime {
  conn?: Connection;
  private gathered?: HostFacts;
  /** Bumped whenever the host's facts are (re)gathered. */
  factsVersion = 0;
  /** Resolved args per task and loop item, valid while the versions they depend on are unchanged (resolve-items.ts). */
  readonly argsMemo = new Map<unknown, readonly ArgsMemo[]>();
  /** setFact layer (above play vars, below -e). */
  readonly setVars: Record<string, unknown> = {};
  /** Registered results by Task.id. */
  readonly results = new Map<TaskKey, TaskResult>();
  /** Read cache: key = privilege + read. Cleared by any change applied on the host. */
  readonly cache = new ReadCache();
  /** Handler names notified and not yet run, in notification order. */
  readonly notified = new Set<string>();
  /** Handler names persisted on the host as pending (what the host's state file holds). */
  persistedPending: readonly string[] = [];
  /** The host's pending-handler records were read (with the facts, or alone in a play without facts). */
  pendingRead = false;
  /** Where records of `persistedPending` are on the host: true = /var/lib/rig (root), false = the login user's home. */
  readonly pendingPlaces = new Set<boolean>();
  failed = false;
  unreachable = false;
  /** Tells the reporter this host started (or stopped, undefined) waiting for something slow. */
  onWait: (wait: WaitInfo | undefined) => void = () => {};
  /** Check mode: something was predicted to change on this host, so later probes may see a world that does not exist yet. */
  predictedChange = false;
  /** Check mode: the filesystem as the changes predicted so far leave it (later reads are answered from it). */
  predicted = new PredictedFiles();
  /** Variables the last executed task set (runOnce shares them with every host). */
  lastSetVars: Readonly<Record<string, unknown>> = {};
  /** Set while a segment plans ahead from this host's current task. */
  planning?: AheadPlanning;
  /** Results of tasks a segment applied ahead of the play, by declared task id (reported when the play reaches them). */
  readonly ahead = new Map<string, AheadResult>();
  /** Last run's results of this host's read-only tasks (runner/guesses.ts): what upcoming tasks' reads are guessed from. */
  guesses?: ReadonlyMap<TaskKey, TaskResult>;
  /** Set while the prefetch resolves upcoming tasks with `guesses` standing in for results not there yet. */
  guessing = false;
  /** How many times a task context found no result for a task (resultOf undefined, or result() about to throw). */
  missedResults = 0;
  /** Check mode: a setFact could not run because it reads the output of this command, which check mode does not run:
   *  a variable the host lacks may be one it would have set (reading it makes the reader a prediction). */
  varsNotSet?: { readonly taskId: TaskKey; readonly taskName: string };
  /** Execs spent before the current connection (reconnects reset the connection's own counter). */
  execsBefore = 0;
  /** Connections opened to the host: the first one and every successful reconnect (after a reboot). */
  connections = 0;

  constructor(readonly host: Host) {}

  /** Core facts (undefined before gathering, or with gatherFacts: false). */
  get facts(): HostFacts | undefined {
    return this.gathered;
  }
  set facts(f: HostFacts | undefined) {
    this.gathered = f;
    this.factsVersion += 1;
  }


  /** Still taking part in the play. */
  get active(): boolean {
    return !this.failed && !this.unreachable;
  }

  /** Execs used on this host so far. */
  get execs(): number {
    return this.execsBefore + (this.conn?.execCount ?? 0);
  }

  /** Refuse a read of another host while planning ahead (AheadBarrier). */
  crossing(name: string, what: string): void {
    if (!this.planning || name === this.host.name) return;
    this.planning.crossed = true;
    throw new AheadBarrier(what);
  }

  /** Drop cached reads: the host changed (and every host's cache is no longer current for delegated tasks). */
  invalidate(): void {
    this.cache.clear();
    changesAnywhere += 1;
  }

  /**
   * Effective vars for a task: role defaults < inventory < play vars < setFact < -e. One object per scope while the
   * setFact variables stay the same (a task's context is built for preflight, prefetch and execution alike, and a
   * 1000-host run built ~25 such objects per host and task); treat it as read-only.
   */
  vars(layers: { roleDefaults?: Vars; playVars: Vars; roleParams?: Vars; extraVars: Vars }): Vars {
    const hit = this.merged.find(
      (m) => m.playVars === layers.playVars && m.roleDefaults === layers.roleDefaults && m.roleParams === layers.roleParams && m.extraVars === layers.extraVars && sameVars(m.setVars, this.setVars),
    );
    if (hit) return hit.out;
    const out = { ...layers.roleDefaults, ...this.host.vars, ...layers.playVars, ...this.setVars, ...layers.roleParams, ...layers.extraVars };
    // the scopes of the tasks now running (a play's, each role's): a few entries, the oldest dropped
    if (this.merged.length >= 16) this.merged.shift();
    this.merged.push({ ...layers, setVars: { ...this.setVars }, out });
    return out;
  }

  private readonly merged: { readonly roleDefaults?: Vars; readonly playVars: Vars; readonly roleParams?: Vars; readonly extraVars: Vars; readonly setVars: Vars; readonly out: Vars }[] = [];
}

/** Whether two variable sets hold the same values (shallow, Object.is). */
export function sameVars(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.is(a[k], b[k]));
}
