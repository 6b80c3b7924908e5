/** A reporter that records every event in order, for tests of runner semantics and of roles. */
import type { PlayInfo, Reporter, RunSummary, TaskInfo, TaskResult, WaitInfo } from '../core/result.ts';

/** One recorded reporter event. */
export type RecordedEvent =
  | { readonly type: 'runStart'; readonly check: boolean; readonly hosts: readonly string[] }
  | { readonly type: 'playStart'; readonly play: PlayInfo }
  | { readonly type: 'taskStart'; readonly task: TaskInfo; readonly hosts: readonly string[] }
  | { readonly type: 'taskEnd'; readonly task: TaskInfo; readonly result: TaskResult }
  | { readonly type: 'hostUnreachable'; readonly host: string; readonly error: string }
  | { readonly type: 'hostFailed'; readonly host: string; readonly error: string }
  | { readonly type: 'log'; readonly host: string; readonly line: string }
  | { readonly type: 'wait'; readonly host: string; readonly wait: WaitInfo | undefined }
  | { readonly type: 'runEnd'; readonly summary: RunSummary };

/** Records every event; `results`, `statuses` and `trace` make assertions short. */
export class RecordingReporter implements Reporter {
  readonly events: RecordedEvent[] = [];

  onRunStart(info: { readonly check: boolean; readonly hosts: readonly string[] }): void {
    this.events.push({ type: 'runStart', check: info.check, hosts: [...info.hosts] });
  }
  onPlayStart(play: PlayInfo): void {
    this.events.push({ type: 'playStart', play });
  }
  onTaskStart(task: TaskInfo, hosts: readonly string[]): void {
    this.events.push({ type: 'taskStart', task, hosts: [...hosts] });
  }
  onTaskEnd(task: TaskInfo, result: TaskResult): void {
    this.events.push({ type: 'taskEnd', task, result });
  }
  onHostUnreachable(host: string, error: string): void {
    this.events.push({ type: 'hostUnreachable', host, error });
  }
  onHostFailed(host: string, error: string): void {
    this.events.push({ type: 'hostFailed', host, error });
  }
  onWait(host: string, wait: WaitInfo | undefined): void {
    this.events.push({ type: 'wait', host, wait });
  }
  onLog(host: string, line: string): void {
    this.events.push({ type: 'log', host, line });
  }
  onRunEnd(summary: RunSummary): void {
    this.events.push({ type: 'runEnd', summary });
  }

  /** Every task result in order, optionally only one host's. */
  results(host?: string): TaskResult[] {
    const out: TaskResult[] = [];
    for (const e of this.events) if (e.type === 'taskEnd' && (host === undefined || e.result.host === host)) out.push(e.result);
    return out;
  }

  /** `task name → status` for one host, in run order (predicted changes read `changed (predicted)`). */
  statuses(host: string): string[] {
    return this.results(host).map((r) => `${r.task} → ${r.status}${r.predicted ? ' (predicted)' : ''}`);
  }

  /** The run summary, once onRunEnd was called. */
  summary(): RunSummary | undefined {
    for (const e of this.events) if (e.type === 'runEnd') return e.summary;
    return undefined;
  }

  /** One compact line per event, handy for exact assertions of ordering. */
  trace(): string[] {
    return this.events.map((e) => {
      switch (e.type) {
        case 'runStart':
          return `run ${e.check ? 'check ' : ''}[${e.hosts.join(',')}]`;
        case 'playStart':
          return `play ${e.play.name}`;
        case 'taskStart':
          return `${e.task.handler ? 'handler' : 'task'} ${e.task.name} [${e.hosts.join(',')}]`;
        case 'taskEnd':
          return `  ${e.result.host}: ${e.result.status}${e.result.predicted ? ' (predicted)' : ''}`;
        case 'hostUnreachable':
          return `unreachable ${e.host}: ${e.error}`;
        case 'hostFailed':
          return `failed ${e.host}: ${e.error}`;
        case 'log':
          return `log ${e.host}: ${e.line}`;
        case 'wait':
          return e.wait ? `wait ${e.host}: ${e.wait.what} (limit ${e.wait.limitSec}s)` : `wait ${e.host}: done`;
        case 'runEnd':
          return `end exit=${e.summary.exitCode}`;
      }
    });
  }
}
