/** Fan one run's events out to several reporters (e.g. the live tree plus --json). */
import type { HostSetup, PlayInfo, Reporter, RunSummary, TaskInfo, TaskResult, WaitInfo } from '../core/result.ts';

/** Calls every reporter in order; one reporter throwing does not starve the others (errors rethrown afterwards). */
export class MultiReporter implements Reporter {
  constructor(private readonly reporters: readonly Reporter[]) {}

  onRunStart(info: { readonly check: boolean; readonly hosts: readonly string[] }): void {
    this.each((r) => r.onRunStart?.(info));
  }
  onPlayStart(play: PlayInfo): void {
    this.each((r) => r.onPlayStart?.(play));
  }
  onTaskStart(task: TaskInfo, hosts: readonly string[]): void {
    this.each((r) => r.onTaskStart?.(task, hosts));
  }
  onTaskEnd(task: TaskInfo, result: TaskResult): void {
    this.each((r) => r.onTaskEnd?.(task, result));
  }
  onHostUnreachable(host: string, error: string): void {
    this.each((r) => r.onHostUnreachable?.(host, error));
  }
  onHostFailed(host: string, error: string): void {
    this.each((r) => r.onHostFailed?.(host, error));
  }
  onHostReady(host: string, setup: HostSetup): void {
    this.each((r) => r.onHostReady?.(host, setup));
  }
  onWait(host: string, wait: WaitInfo | undefined): void {
    this.each((r) => r.onWait?.(host, wait));
  }
  onLog(host: string, line: string): void {
    this.each((r) => r.onLog?.(host, line));
  }

  /** Sequential, so recaps and files appear in the reporters' order. */
  async onRunEnd(summary: RunSummary): Promise<void> {
    const errors: unknown[] = [];
    for (const r of this.reporters) {
      try {
        await r.onRunEnd?.(summary);
      } catch (err) {
        errors.push(err);
      }
    }
    rethrow(errors);
  }

  private each(fn: (r: Reporter) => void): void {
    const errors: unknown[] = [];
    for (const r of this.reporters) {
      try {
        fn(r);
      } catch (err) {
        errors.push(err);
      }
    }
    rethrow(errors);
  }
}

function rethrow(errors: readonly unknown[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} reporters failed`);
}
