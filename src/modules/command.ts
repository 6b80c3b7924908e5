/** command / shell: run something on the host, unless `creates` exists or `removes` is missing. */
import type { ExecChange } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { commandOutput, defineModule, type CommandOutput, type Plan, type Reads } from '../core/module.ts';
import { joinSh, quote, raw, sh, type ShellFragment } from '../core/quote.ts';
import { pathExists } from '../facts/command.ts';
import { absPath, strict, z } from '../schema/index.ts';
import type { ReadonlyDeep } from '../schema/index.ts';

/** What the plan needs to know: whether `creates` / `removes` exist (only the ones given are read). */
export interface CommandState {
  readonly creates?: boolean;
  readonly removes?: boolean;
}

/** Split a command string into words like a POSIX shell (quotes and backslashes), with no expansion at all. */
export function splitArgv(cmd: string): string[] {
  const words: string[] = [];
  let cur = '';
  let started = false;
  let quoteChar: '"' | "'" | undefined;
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i] as string;
    if (quoteChar === "'") {
      if (ch === "'") quoteChar = undefined;
      else cur += ch;
    } else if (quoteChar === '"') {
      if (ch === '"') quoteChar = undefined;
      else if (ch === '\\' && i + 1 < cmd.length && '"\\$`'.includes(cmd[i + 1] as string)) cur += cmd[++i];
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quoteChar = ch;
      started = true;
    } else if (ch === '\\' && i + 1 < cmd.length) {
      cur += cmd[++i];
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) words.push(cur);
      cur = '';
      started = false;
    } else {
      cur += ch;
      started = true;
    }
  }
  if (quoteChar) throw new Error(`unterminated ${quoteChar} quote in command: ${cmd}`);
  if (started) words.push(cur);
  return words;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const show = (v: unknown): string => (typeof v === 'function' ? 'a function' : (JSON.stringify(v) ?? String(v)));

// what is wrong with a cmd that is neither a string nor an array of strings
function cmdMessage(kind: 'command' | 'shell', input: unknown): string {
  const bad = Array.isArray(input) ? input.findIndex((w) => typeof w !== 'string') : -1;
  if (bad >= 0) {
    const w: unknown = (input as unknown[])[bad];
    const fix = typeof w === 'number' || typeof w === 'boolean' ? `: write '${String(w)}' (quoted)` : '';
    return `argv word ${bad + 1} is ${show(w)}, not a string${fix}`;
  }
  return `expected a ${kind === 'command' ? 'command line' : 'shell script'} string or an argv array of strings, got ${show(input)}`;
}

/** creates / removes: a path, absolute or relative to chdir. */
const skipPath = (what: string) =>
  z
    .string({ error: (iss) => `expected a path as a string, got ${show(iss.input)}` })
    .refine((p) => p !== '' && !p.includes('\0'), { error: 'must be a non-empty path without NUL bytes (absolute, or relative to chdir)' })
    .optional()
    .describe(`${what} Absolute, or relative to chdir (then chdir is required).`);

/** The args schema of `command` (a string cmd must split into words) or `shell` (a string cmd is a script). */
function commandArgsSchema(kind: 'command' | 'shell') {
  const cmdString = z.string().refine((c) => c.trim() !== '', { error: 'is empty: give the command to run' });
  return strict({
    cmd: z
      .union(
        [
          kind === 'command'
            ? cmdString.superRefine((c, ctx) => {
                try {
                  splitArgv(c);
                } catch (e) {
                  ctx.addIssue({ code: 'custom', input: c, message: `${(e as Error).message} (close the quote, or give an argv array)` });
                }
              })
            : cmdString,
          z.array(z.string()).min(1, { error: 'is an empty argv array: give the program and its arguments' }),
        ],
        { error: (iss) => cmdMessage(kind, iss.input) },
      )
      .describe(
        kind === 'command'
          ? 'An argv array (each word quoted), or a string split into words like a shell would, without any expansion.'
          : 'A shell script run by /bin/sh (pipes, redirections, variables), or an argv array (quoted word by word).',
      ),
    chdir: absPath.optional().describe('Absolute directory to run in (also the base of relative creates / removes).'),
    creates: skipPath('Skip the task when this path exists.'),
    removes: skipPath('Skip the task when this path does not exist.'),
    stdin: z.string().optional().describe("Text fed to the command's stdin."),
    env: z
      .record(
        z.string().regex(ENV_NAME),
        z.string({
          error: (iss) => (typeof iss.input === 'number' || typeof iss.input === 'boolean' ? `env values are strings: write '${String(iss.input)}' (quoted)` : `expected a string, got ${show(iss.input)}`),
        }),
        {
          error: (iss) =>
            iss.code === 'invalid_key' ? `${show(iss.input)} is not a shell identifier (letters, digits, _; not starting with a digit)` : `expected a mapping of variable names to strings, got ${show(iss.input)}`,
        },
      )
      .optional()
      .describe('Extra environment variables, exported before the command: names are shell identifiers, values strings.'),
  }).describe(
    kind === 'command'
      ? 'Run a program with arguments, no shell features; creates / removes make it idempotent.'
      : 'Run a shell script with /bin/sh; creates / removes make it idempotent.',
  );
}

/** Args schema of `command`. */
export const commandArgs = commandArgsSchema('command');
/** Args schema of `shell` (same keys; a string cmd is a script). */
export const shellArgs = commandArgsSchema('shell');
/** Arguments shared by `command` and `shell`. */
export type CommandArgs = ReadonlyDeep<z.infer<typeof commandArgs>>;

// a relative creates/removes is resolved under chdir: without chdir it would depend on the login directory
function validateArgs(a: CommandArgs): string[] {
  return (['creates', 'removes'] as const)
    .filter((k) => a[k] !== undefined && !a[k].startsWith('/') && a.chdir === undefined)
    .map((k) => `${k} ${JSON.stringify(a[k])} is relative: make it absolute, or give chdir (the directory it is relative to)`);
}

// relative creates/removes are relative to chdir, as in Ansible
function resolvePath(path: string, chdir: string | undefined): string {
  return chdir && !path.startsWith('/') ? `${chdir.replace(/\/+$/, '')}/${path}` : path;
}

/** The shell text of the command itself (no chdir/env). */
export function commandBody(kind: 'command' | 'shell', cmd: string | readonly string[]): ShellFragment {
  if (typeof cmd !== 'string') return sh`${cmd}`;
  return kind === 'shell' ? raw(cmd) : sh`${splitArgv(cmd)}`;
}

/** Full command line: `cd DIR && export K=V && body` (shell scripts grouped in a subshell when prefixed). */
export function buildCommand(kind: 'command' | 'shell', a: CommandArgs): string {
  const prefix: ShellFragment[] = [];
  if (a.chdir !== undefined) prefix.push(sh`cd ${a.chdir}`);
  const env = Object.entries(a.env ?? {});
  if (env.length) prefix.push(raw(`export ${env.map(([k, v]) => `${k}=${quote(v)}`).join(' ')}`));
  const body = commandBody(kind, a.cmd);
  if (!prefix.length) return body.text;
  // a subshell keeps `a; b` or `exit` in a script from escaping the chdir/env prefix
  const grouped = kind === 'shell' && typeof a.cmd === 'string' ? raw(`(\n${body.text}\n)`) : body;
  return joinSh([...prefix, grouped], ' && ').text;
}

function describe(cmd: string | readonly string[]): string {
  const text = typeof cmd === 'string' ? cmd : cmd.join(' ');
  const line = text.split('\n')[0] ?? '';
  return line.length > 80 || text.includes('\n') ? `${line.slice(0, 77)}...` : line;
}

function probe(a: CommandArgs): Reads<CommandState> {
  return {
    ...(a.creates !== undefined ? { creates: read(pathExists, resolvePath(a.creates, a.chdir)) } : {}),
    ...(a.removes !== undefined ? { removes: read(pathExists, resolvePath(a.removes, a.chdir)) } : {}),
  };
}

function plan(kind: 'command' | 'shell', a: CommandArgs, s: CommandState): Plan<CommandOutput> {
  const skipped = (msg: string): Plan<CommandOutput> => ({ changes: [], msg, output: commandOutput({ stdout: '', stderr: '', code: 0 }) });
  // already done?
  if (a.creates !== undefined && s.creates === true) return skipped(`skipped, ${a.creates} exists`);
  if (a.removes !== undefined && s.removes === false) return skipped(`skipped, ${a.removes} does not exist`);
  const change: ExecChange = {
    kind: 'exec',
    command: buildCommand(kind, a),
    description: describe(a.cmd),
    ...(a.stdin !== undefined ? { stdin: a.stdin } : {}),
    // what check mode can say of a command: the paths it was told it creates or removes may change
    ...(a.creates !== undefined || a.removes !== undefined
      ? { effects: [a.creates, a.removes].flatMap((p) => (p === undefined ? [] : [{ op: 'unknown' as const, path: resolvePath(p, a.chdir) }])) }
      : {}),
  };
  return { changes: [change] };
}

/** Run a program with arguments, no shell features (`cmd` words are quoted). */
export const commandModule = defineModule<CommandArgs, CommandState, CommandOutput>({
  name: 'command',
  args: commandArgs,
  validate: validateArgs,
  probe,
  plan: (a, s) => plan('command', a, s),
});

/** Run a shell script with /bin/sh (pipes, redirections, variables). */
export const shellModule = defineModule<CommandArgs, CommandState, CommandOutput>({
  name: 'shell',
  args: shellArgs,
  validate: validateArgs,
  probe,
  plan: (a, s) => plan('shell', a, s),
});
