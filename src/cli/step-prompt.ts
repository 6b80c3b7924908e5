/**
 * --step: before each task, `Perform task: TASK: NAME (N)o/(y)es/(c)ontinue:` as ansible-core's strategy _take_step:
 * y/yes runs it, c/continue runs it and every later task without asking, anything else (Enter included) skips it.
 */
import { createInterface } from 'node:readline';
import type { TaskInfo } from '../core/index.ts';
import { ValidationError } from '../core/index.ts';

/** What an answer means: run this task, skip it, or run it and stop asking. */
export function stepAnswer(answer: string): 'yes' | 'no' | 'continue' {
  const a = answer.trim().toLowerCase();
  if (a === 'y' || a === 'yes') return 'yes';
  return a === 'c' || a === 'continue' ? 'continue' : 'no';
}

/** Refuse --step without a terminal: every task would be skipped or the run would hang. */
export function stepProblem(stdinIsTTY: boolean): ValidationError | undefined {
  if (stdinIsTTY) return undefined;
  return new ValidationError({ where: '--step', message: '--step asks before each task and needs a terminal on stdin', hint: 'run it in a terminal, or use --start-at-task / --tags to pick tasks without asking' });
}

/** A confirmTask for the runner that asks on `input`/`output` (default the process's stdin/stdout); `close` stops reading. */
export function stepper(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): { confirm: (task: TaskInfo) => Promise<boolean>; close: () => void } {
  let asking = true;
  let rl: ReturnType<typeof createInterface> | undefined;
  const lines: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  const nextLine = (): Promise<string> => {
    rl ??= createInterface({ input, terminal: false }).on('line', (l) => (waiting.shift() ?? ((x: string) => lines.push(x)))(l)).on('close', () => {
      for (const w of waiting.splice(0)) w('');
    });
    const l = lines.shift();
    return l !== undefined ? Promise.resolve(l) : new Promise((r) => waiting.push(r));
  };
  const confirm = async (task: TaskInfo): Promise<boolean> => {
    if (!asking) return true;
    output.write(`Perform task: TASK: ${task.role ? `${task.role} : ` : ''}${task.name} (N)o/(y)es/(c)ontinue: `);
    const a = stepAnswer(await nextLine());
    output.write('\n');
    if (a === 'continue') {
      asking = false;
      rl?.close();
    }
    return a !== 'no';
  };
  return { confirm, close: () => rl?.close() };
}
