/**
 * A host's variables with Jinja values rendered lazily, as Ansible does: a template is rendered when its variable is read
 * (at most once per view: the result replaces the getter), with every variable of the host, the magic names
 * (inventory_hostname, groups, hostvars…) and facts. A value never read is never rendered, so an undefined name in it is
 * no error. Errors name the variable, the file:line that set it and the host.
 */
import { UndefinedVariable, ValidationError, type Vars } from '../core/index.ts';
import { lockedVaultIn } from '../inventory/index.ts';
import { hasTemplate, isUnsafe, JinjaError, renderValue, type JinjaScope } from '../templates/index.ts';

/** What a view of one host's variables needs besides the values. */
export interface LazyVarsSource {
  /** Inventory host name. */
  readonly host: string;
  /** Whether the value of `name` may be a template (inventory and -e values; TypeScript values are not templates). */
  readonly templated: (name: string) => boolean;
  /** Magic names (inventory_hostname, groups, hostvars, ansible_facts…): a value, or MISSING. */
  readonly magic: (name: string) => unknown;
  /** file:line that set `name` for this host, for messages. */
  readonly origin: (name: string) => string | undefined;
}

// variables being rendered, across hosts (hostvars): a → b → a is an error, not a hang
const rendering: string[] = [];

/** Whether any templated value of `raw` is a template (else the raw object is the view). */
export function needsRendering(raw: Vars, templated: (name: string) => boolean): boolean {
  for (const k in raw) if (templated(k) && !isUnsafe(raw[k]) && (hasTemplate(raw[k]) || lockedVaultIn(raw[k]))) return true;
  return false;
}

/** The view: `raw` itself when nothing in it is a template, else an object whose template values render on first read. */
export function lazyVars(raw: Vars, src: LazyVarsSource): Vars {
  if (!needsRendering(raw, src.templated)) return raw;
  const out: Record<string, unknown> = {};
  // copies made by withVars share these results
  const done = new Map<string, unknown>();
  const scope: JinjaScope = { lookup: (n) => (Object.hasOwn(raw, n) ? out[n] : src.magic(n)) };
  for (const [k, v] of Object.entries(raw)) {
    if (!src.templated(k) || isUnsafe(v) || (!hasTemplate(v) && !lockedVaultIn(v))) {
      out[k] = v;
      continue;
    }
    Object.defineProperty(out, k, {
      enumerable: true,
      configurable: true,
      get: () => {
        if (done.has(k)) return done.get(k);
        const value = renderVar(src, k, v, scope);
        done.set(k, value);
        Object.defineProperty(out, k, { value, enumerable: true, configurable: true, writable: true });
        return value;
      },
      set: (value: unknown) => Object.defineProperty(out, k, { value, enumerable: true, configurable: true, writable: true }),
    });
  }
  return out;
}

function renderVar(src: LazyVarsSource, name: string, value: unknown, scope: JinjaScope): unknown {
  // a vault value no given secret opens: an error now that it is used (Ansible decrypts lazily)
  const locked = lockedVaultIn(value);
  if (locked) throw new ValidationError({ ...locked.problem, where: src.origin(name) ?? src.host, message: `host ${src.host}: variable '${name}': ${locked.problem.message}` });
  const id = `${src.host}\0${name}`;
  const at = rendering.indexOf(id);
  if (at >= 0) {
    const loop = [...rendering.slice(at), id].map((r) => r.split('\0')).map(([h, n]) => (h === src.host ? n : `hostvars['${h}'].${n}`));
    throw new ValidationError({
      where: src.origin(name) ?? src.host,
      message: `host ${src.host}: variable '${name}': recursive loop detected in template (${loop.join(' → ')})`,
      hint: 'one of these variables must not refer back to the others',
    });
  }
  rendering.push(id);
  try {
    return renderValue(value, scope);
  } catch (e) {
    if (!(e instanceof JinjaError)) throw e;
    const undefinedName = /is undefined/.test(e.message);
    const problem = {
      where: src.origin(name) ?? src.host,
      message: `host ${src.host}: variable '${name}' (${JSON.stringify(value)}): ${e.message}`,
      hint: e.hint ?? (undefinedName ? `define it (group_vars/host_vars, play vars, role defaults or -e), or give it a default: {{ ${/'([^']+)' is undefined/.exec(e.message)?.[1] ?? 'x'} | default(...) }}` : 'fix the template'),
    };
    // a name nothing defines: found before the first change even when only a later play reads the variable
    throw undefinedName ? new UndefinedVariable(name, problem) : new ValidationError(problem);
  } finally {
    rendering.pop();
  }
}

/** Copy of `vars` with `over` on top, keeping values not rendered yet lazy (a spread would render them all). */
export function withVars(vars: Vars, over: Readonly<Record<string, unknown>>): Vars {
  const out = Object.defineProperties({}, Object.getOwnPropertyDescriptors(vars)) as Record<string, unknown>;
  for (const [k, v] of Object.entries(over)) Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
  return out;
}
