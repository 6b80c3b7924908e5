/** command / shell: run something on the host, unless `creates` exists or `removes` is missing. */
import type { ExecChange } from '../core/change.ts';
import { read } from '../core/fact.ts';
import { defineModule, type CommandOutput, type Plan, type Reads } from '../core/module.ts';
import { joinSh, quote, raw, sh, type ShellFragment } from '../core/quote.ts';
import { pathExists } from '../facts/command.ts';

/** Arguments shared by `command` and `shell`. */
export interface CommandArgs {
  /** `command`: an argv array (each word quoted), or a string split into words like a shell would, without expansions.
   *  `shell`: a shell script string run by /bin/sh (an array is quoted word by word). */
  readonly cmd: string | readonly string[];
  /** Directory to run in (also the base of relative `creates` / `removes`). */
  readonly chdir?: string;
  /** Skip when this path exists. */
  readonly creates?: string;
  /** Skip when this path does not exist. */
  readonly removes?: string;
  /** Text fed to the command's stdin. */
  readonly stdin?: string;
  /** Extra environment variables (names must be shell identifiers). */
  readonly env?: Readonly<Record<string, string>>;
}

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

function validateArgs(kind: 'command' | 'shell', a: CommandArgs): string[] {
  const problems: string[] = [];
  if (typeof a.cmd === 'string') {
    if (a.cmd.trim() === '') problems.push(`${kind}: cmd is empty`);
    if (kind === 'command') {
      try {
        splitArgv(a.cmd);
      } catch (e) {
        problems.push(`${kind}: ${(e as Error).message}`);
      }
    }
  } else if (!Array.isArray(a.cmd) || a.cmd.length === 0) {
    problems.push(`${kind}: cmd must be a non-empty string or argv array`);
  }
  for (const name of Object.keys(a.env ?? {})) {
    if (!ENV_NAME.test(name)) problems.push(`${kind}: env name ${JSON.stringify(name)} is not a shell identifier`);
  }
  for (const key of ['chdir', 'creates', 'removes'] as const) {
    if (a[key] !== undefined && a[key] === '') problems.push(`${kind}: ${key} is empty`);
  }
  return problems;
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
  const skipped = (msg: string): Plan<CommandOutput> => ({ changes: [], msg, output: { stdout: '', stderr: '', rc: 0 } });
  // already done?
  if (a.creates !== undefined && s.creates === true) return skipped(`skipped, ${a.creates} exists`);
  if (a.removes !== undefined && s.removes === false) return skipped(`skipped, ${a.removes} does not exist`);
  const change: ExecChange = {
    kind: 'exec',
    command: buildCommand(kind, a),
    description: describe(a.cmd),
    ...(a.stdin !== undefined ? { stdin: a.stdin } : {}),
  };
  return { changes: [change] };
}

/** Run a program with arguments, no shell features (`cmd` words are quoted). */
export const commandModule = defineModule<CommandArgs, CommandState, CommandOutput>({
  name: 'command',
  validate: (a) => validateArgs('command', a),
  probe,
  plan: (a, s) => plan('command', a, s),
  // the command is not run in check mode; its change is a prediction
  checkBehaviour: 'predict',
});

/** Run a shell script with /bin/sh (pipes, redirections, variables). */
export const shellModule = defineModule<CommandArgs, CommandState, CommandOutput>({
  name: 'shell',
  validate: (a) => validateArgs('shell', a),
  probe,
  plan: (a, s) => plan('shell', a, s),
  checkBehaviour: 'predict',
});
