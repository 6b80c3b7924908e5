/** Cleanup that runs on normal exit, on errors and on signals, so a crashed run leaves no VMs or loop devices. */
import { killChildren } from './exec.ts';

/** A registered cleanup step. */
export interface CleanupHandle {
  /** Run the step now and unregister it. */
  release(): void;
  /** Unregister without running (the resource is meant to outlive this process). */
  forget(): void;
}

const tasks = new Map<number, () => void>();
let next = 0;
let installed = false;

/** Register a synchronous cleanup step that runs on exit or signal unless released or forgotten first. */
export function onCleanup(task: () => void): CleanupHandle {
  install();
  const id = next++;
  tasks.set(id, task);
  return {
    release: () => {
      if (tasks.delete(id)) task();
    },
    forget: () => {
      tasks.delete(id);
    },
  };
}

/** Run all pending cleanup steps, newest first. */
export function runCleanup(): void {
  killChildren();
  const pending = [...tasks.values()].reverse();
  tasks.clear();
  for (const task of pending) {
    try {
      task();
    } catch (e) {
      process.stderr.write(`lab: cleanup step failed: ${String(e)}\n`);
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runCleanup);
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  for (const sig of Object.keys(codes) as (keyof typeof codes)[]) {
    process.once(sig, () => {
      if (tasks.size) process.stderr.write(`lab: ${sig}, cleaning up\n`);
      runCleanup();
      process.exit(codes[sig]);
    });
  }
}
