/** Import a playbook .ts file and check its default export. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError, type Playbook } from '../core/index.ts';
import { enableTypeScript } from './ts-loader.ts';

/** Load `file`; errors name the file and say what to do. */
export async function loadPlaybook(file: string): Promise<Playbook> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new ValidationError({ where: file, message: 'playbook file not found', hint: 'pass the path of a .ts file whose default export is definePlaybook(...)' });
  let mod: { default?: unknown };
  try {
    await enableTypeScript();
    mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new ValidationError({ where: file, message: `cannot load playbook: ${msg}` });
  }
  const pb = mod.default as Playbook | undefined;
  if (!pb || pb.kind !== 'playbook') {
    throw new ValidationError({ where: file, message: 'the default export is not a playbook', hint: 'end the file with: export default definePlaybook({ hosts: ..., tasks: [...] })' });
  }
  return pb;
}
