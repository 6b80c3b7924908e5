/** Role variables checked and coerced against their schemas: at load for every targeted host, and for every task context. */
import { checkVar, redact, showValue, type Play, type Playbook, type Problem, type Role, type StandardSchemaV1, type Vars } from '../core/index.ts';
import { lockedVaultIn, type Inventory } from '../inventory/index.ts';
import { hasTemplate } from '../templates/index.ts';
import { withVars } from './lazy-vars.ts';

/** One variable a host gives a role that its schema refuses. */
export interface VarProblem {
  readonly name: string;
  readonly message: string;
}

type Schemas = Readonly<Record<string, StandardSchemaV1>>;

/**
 * `vars` with the variables named in `schemas` coerced to their types (`"9090"` → 9090), and the problems of those the
 * schemas refuse. `required`: check undefined values too (a role's own scope); else variables not set are skipped.
 */
export function coerceVars(schemas: Schemas, vars: Vars, required = false): { readonly vars: Vars; readonly problems: readonly VarProblem[] } {
  // required = false: the playbook-wide pass, where a refused value is left as it is (its role reports it at load)
  let out: Record<string, unknown> | undefined;
  const problems: VarProblem[] = [];
  for (const [name, schema] of Object.entries(schemas)) {
    const value = vars[name];
    if (value === undefined && !required) continue;
    const r = checkVar(schema, value);
    if ('problem' in r) {
      if (!required) continue;
      const shown = redact(showValue(value));
      problems.push({ name, message: `${name} = ${shown}: ${r.problem}` });
    } else if (r.value !== value) (out ??= withVars(vars, {}) as Record<string, unknown>)[name] = r.value;
  }
  return { vars: out ?? vars, problems };
}

/** The variable schemas of every role of the playbook (the first role declaring a name wins): what every scope is coerced by,
 *  so play tasks and hostvars() see `-e enabled=false` as false too. */
export function playbookVarSchemas(playbook: Playbook): Schemas {
  const out: Record<string, StandardSchemaV1> = {};
  for (const play of playbook.plays) for (const role of play.roles) for (const [k, s] of Object.entries(role.varSchemas)) out[k] ??= s;
  return out;
}

/** Problem values for a role's variable on a host, as load-time Problems. */
export function varProblemsOf(role: Role | undefined, host: string, problems: readonly VarProblem[]): Problem[] {
  return problems.map((p) => ({
    where: `host ${host}, variable ${p.name}`,
    message: `${role ? `role ${role.name}: ` : ''}${p.message}`,
    hint: `fix it in the inventory (host_vars/group_vars), the play's vars or -e${role ? `; the role declares its variables at ${role.definedAt}` : ''}`,
  }));
}

/** Every role variable of `play` on every host in `hosts` (defaults < inventory < play vars < -e), before connecting;
 *  each problem says where the value came from (-e, the play, the inventory file:line, the role's defaults). */
export function roleVarProblems(play: Play, inventory: Inventory, hosts: readonly string[], extraVars: Vars): Problem[] {
  const problems: Problem[] = [];
  for (const role of play.roles) {
    for (const name of hosts) {
      const host = inventory.host(name);
      if (!host) continue;
      const params = role.params ?? {};
      const vars = { ...role.defaults, ...host.vars, ...play.vars, ...params, ...extraVars };
      const origin = (v: string): string =>
        v in extraVars ? 'set by -e' : v in params ? `a role param of ${role.name} in the play at ${play.definedAt}` : v in play.vars ? `set by the play at ${play.definedAt}` : v in host.vars ? `set at ${inventory.varOrigin?.(name, v) ?? 'the inventory'}` : v in role.defaults ? "the role's default" : 'not set';
      // a Jinja value (inventory or -e) is typed when it is rendered, on the host at run time
      // (a vault value no secret opened, too: it is an error only if read)
      const templated = (v: string): boolean => {
        const value = vars[v as keyof typeof vars];
        return (v in extraVars || (v in host.vars && !(v in play.vars) && !(v in params))) && (hasTemplate(value) || lockedVaultIn(value) !== undefined);
      };
      const found = coerceVars(role.varSchemas, vars, true).problems.filter((p) => !templated(p.name)).map((p) => ({ ...p, message: `${p.message} (${origin(p.name)})` }));
      problems.push(...varProblemsOf(role, name, found));
    }
  }
  return problems;
}
