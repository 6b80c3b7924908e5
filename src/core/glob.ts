/** The one glob matcher: Python's fnmatch (Ansible's host patterns, --start-at-task, ad-hoc filters) and OpenSSH's
 *  match_pattern (known_hosts names), which differ only in character classes and case. */

/** How a glob reads. */
export interface GlobRules {
  /** `[seq]`, `[!seq]`, `[a-z]` are character classes (fnmatch); false: `[` and `]` are literal, as in OpenSSH, whose
   *  known_hosts names `[host]:port` use them. @default true */
  readonly classes?: boolean;
  /** Letters match either case (OpenSSH lowercases host names and patterns). @default false (fnmatch on POSIX) */
  readonly ignoreCase?: boolean;
}

/** OpenSSH's pattern rules (match.c match_pattern): `*` and `?` only, case-insensitive. */
export const OPENSSH_GLOB: GlobRules = { classes: false, ignoreCase: true };

/** Compile a glob (`*`, `?`, and by default `[seq]`, `[!seq]`) into a whole-string RegExp (Python's fnmatch.translate
 *  by default; case-sensitive like fnmatch on POSIX). */
export function globToRegExp(glob: string, rules: GlobRules = {}): RegExp {
  const classes = rules.classes ?? true;
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[' && classes) {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      // an unclosed "[" is a literal, as in fnmatch
      if (j >= glob.length) out += '\\[';
      else {
        let body = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        else if (body.startsWith('^')) body = `\\${body}`;
        out += `[${body}]`;
        i = j;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, rules.ignoreCase ? 'si' : 's');
}

/**
 * OpenSSH's match_hostname over a comma-split pattern list: a negated pattern (`!bad.lan`) that matches vetoes the
 * list, otherwise any plain pattern that matches accepts it (match.c match_pattern_list).
 */
export function matchPatternList(patterns: readonly string[], name: string, rules: GlobRules = OPENSSH_GLOB): boolean {
  let matched = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (globToRegExp(p.slice(1), rules).test(name)) return false;
    } else if (globToRegExp(p, rules).test(name)) matched = true;
  }
  return matched;
}
