import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../../src/cli/load-playbook.ts';
import { ValidationError } from '../../../src/core/errors.ts';
import { tempDir } from '../../support/temp-dir.ts';

const rig = path.resolve(import.meta.dirname, '../../../src/index.ts');

/** Write files into a fresh temp dir; returns its path. */
function tree(files: Record<string, string>): string {
  const root = tempDir('rig-pb-');
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

async function loadError(file: string): Promise<ValidationError> {
  try {
    await loadPlaybook(file);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

const rel = (p: string): string => path.relative(process.cwd(), p);

describe('loadPlaybook: an error while loading names the file:line that threw', () => {
  const cases: { name: string; files: Record<string, string>; where: string; message: RegExp }[] = [
    {
      name: 'a top-level throw in the playbook',
      files: { 'pb.ts': `// line 1\nconst x = 1;\nthrow new Error('x is ' + x);\nexport default {};\n` },
      where: 'pb.ts:3',
      message: /^cannot load playbook: x is 1$/,
    },
    {
      name: 'a role file reading a property of undefined',
      files: {
        'pb.ts': `import { definePlaybook } from '${rig}';\nimport web from './roles/web/index.ts';\nexport default definePlaybook({ hosts: 'all', roles: [web] });\n`,
        'roles/web/index.ts': `type Cfg = { port: number };\nconst cfg = undefined as unknown as Cfg;\n\nexport const port: number = cfg.port;\nexport default port;\n`,
      },
      where: 'roles/web/index.ts:4',
      message: /^cannot load playbook .*pb\.ts: TypeError: Cannot read properties of undefined \(reading 'port'\)$/,
    },
    {
      name: 'a helper function that throws, called by the playbook: the throw, not the call',
      files: {
        'pb.ts': `import { need } from './lib/need.ts';\nexport default need('WORKERS');\n`,
        'lib/need.ts': `/** Read a required setting. */\nexport function need(name: string): never {\n  throw new RangeError(\`\${name} is not set\`);\n}\n`,
      },
      where: 'lib/need.ts:3',
      message: /^cannot load playbook .*pb\.ts: RangeError: WORKERS is not set$/,
    },
    {
      name: 'a TypeScript syntax error',
      files: { 'pb.ts': `export default {\n  hosts: 'all',\n  tasks: [,,\n};\n` },
      where: 'pb.ts:4',
      message: /^cannot load playbook: syntax error: Unexpected/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const dir = tree(c.files);
      const err = await loadError(path.join(dir, 'pb.ts'));
      expect(err.problems).toHaveLength(1);
      expect(err.problems[0]!.where).toBe(rel(path.join(dir, c.where)));
      expect(err.problems[0]!.message).toMatch(c.message);
    });
  }

  it('something thrown that is not an Error, a missing file and a default export that is not a playbook name the playbook', async () => {
    const dir = tree({ 'str.ts': `throw 'plain string';\n`, 'none.ts': `export const x = 1;\n` });
    const cases: [string, string][] = [
      ['str.ts', 'cannot load playbook: it threw "plain string"'],
      ['nope.ts', 'playbook file not found'],
      ['none.ts', 'the default export is not a playbook'],
    ];
    for (const [f, message] of cases) {
      const err = await loadError(path.join(dir, f));
      expect(err.problems).toEqual([expect.objectContaining({ where: path.join(dir, f), message })]);
    }
  });
});
