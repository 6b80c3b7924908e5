/** POSIX shell quoting: the one place a value becomes part of a shell command. */

/** A fragment that is already valid shell and must not be quoted again (built by `sh`). */
export class ShellFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Quote one value for a POSIX shell: safe words stay bare, anything else is single-quoted. */
export function quote(value: string | number): string {
  const s = String(value);
  if (s === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

type Interp = string | number | ShellFragment | readonly (string | number | ShellFragment)[];

function render(v: Interp): string {
  if (v instanceof ShellFragment) return v.text;
  if (Array.isArray(v)) return v.map((x) => render(x as Interp)).join(' ');
  return quote(v as string | number);
}

/** Tagged template that quotes every interpolated value: sh`test -e ${path}`; arrays become quoted words. */
export function sh(strings: TemplateStringsArray, ...values: Interp[]): ShellFragment {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new ShellFragment(out);
}

/** Mark trusted shell text (a user's `shell` command, or a fragment built with `sh`) as raw. */
export function raw(text: string): ShellFragment {
  return new ShellFragment(text);
}

/** Join fragments with a separator (e.g. ' && ' or '; '). */
export function joinSh(parts: readonly ShellFragment[], sep: string): ShellFragment {
  return new ShellFragment(parts.map((p) => p.text).join(sep));
}
