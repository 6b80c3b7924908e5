/** template: render a Handlebars file on the controller (strictly: a missing variable fails), then plan it like copy. */
import { read } from '../core/fact.ts';
import type { Vars } from '../core/host.ts';
import { defineModule, type PlanContext } from '../core/module.ts';
import { fileState } from '../facts/files.ts';
import { absPath, strict, z } from '../schema/index.ts';
import { parentRead, planWrite, writeOptionsShape, type CopyState } from './copy.ts';
import { failed } from './files.ts';

/** Args schema of `template`: src (.hbs), dest, vars, and the write options. */
export const templateArgs = strict({
  ...writeOptionsShape,
  src: z.string().min(1).describe('The .hbs file, relative to templates/ beside the declaring file (or absolute).'),
  dest: absPath.describe('Absolute path of the rendered file on the host.'),
  vars: z.record(z.string(), z.unknown()).optional().describe('Extra variables for this template; they override host/play vars of the same name.'),
}).describe('A file rendered from a strict Handlebars template on the controller, written like copy.');
/** Arguments of the `template` module. */
export type TemplateArgs = z.infer<typeof templateArgs> & { readonly vars?: Vars };

/**
 * What a template sees: the host's effective vars, then `vars`, then `facts` (core host facts) and
 * `host` ({ name, groups }); the last two are reserved names. Connection settings are never exposed.
 */
export function templateContext(a: TemplateArgs, ctx: PlanContext): Vars {
  // copied as properties, not spread: a Jinja value of an inventory var is rendered only if the template reads it
  const out = Object.defineProperties({}, Object.getOwnPropertyDescriptors(ctx.vars)) as Record<string, unknown>;
  for (const [k, v] of Object.entries({ ...a.vars, facts: ctx.facts, host: { name: ctx.host.name, groups: ctx.host.groups } })) {
    Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
  }
  return out;
}

function render(a: TemplateArgs, ctx: PlanContext): { text: string } | { error: string } {
  try {
    return { text: ctx.render(a.src, templateContext(a, ctx)) };
  } catch (e) {
    // the renderer's TemplateError already names file:line and the variable
    return { error: (e as Error).message };
  }
}

/** `template`: dest holds the rendered template (same write/diff/attribute planning as copy). */
export const templateModule = defineModule<TemplateArgs, CopyState, undefined>({
  name: 'template',
  args: templateArgs,
  localFiles: (a) => [a.src],
  // render once per host before anything is applied, so a missing variable stops the run with nothing changed
  preflight: (a, ctx) => {
    const r = render(a, ctx);
    return 'error' in r ? [r.error] : [];
  },
  probe: (a, ctx) => ({ dest: read(fileState, { path: a.dest, content: ctx.diff }), ...parentRead(a.dest, ctx) }),
  plan: (a, s, ctx) => {
    const r = render(a, ctx);
    return 'error' in r ? failed(r.error) : planWrite(a.dest, r.text, s.dest, a);
  },
});
