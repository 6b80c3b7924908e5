import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderTemplate, TemplateError, templateVariables } from '../../../src/templates/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'rig-tpl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tpl = (source: string, name = `t${n++}.hbs`): string => {
  const p = join(dir, name);
  writeFileSync(p, source);
  return p;
};
const catchError = (fn: () => unknown): TemplateError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof TemplateError) return e;
    throw e;
  }
  throw new Error('expected a TemplateError');
};

describe('renderTemplate', () => {
  it('renders variables without HTML escaping', () => {
    const p = tpl('url = "{{url}}"\nname={{name}}\n');
    expect(renderTemplate(p, { url: 'http://a/?x=1&y=<2>', name: "o'neil" })).toBe('url = "http://a/?x=1&y=<2>"\nname=o\'neil\n');
  });

  it('a missing variable names the template, line and variable', () => {
    const p = tpl('# consul\ndatacenter = "{{dc}}"\nbind = "{{consul.bind}}"\n', 'consul.hcl.hbs');
    const e = catchError(() => renderTemplate(p, { consul: {} }));
    expect(e.template).toBe(p);
    expect(e.line).toBe(2);
    expect(e.variable).toBe('dc');
    expect(e.message).toBe(`${p}:2: variable "dc" is not defined (set it in vars, or write {{default dc "…"}})`);
    const e2 = catchError(() => renderTemplate(p, { dc: 'dc1', consul: {} }));
    expect(e2).toMatchObject({ line: 3, variable: 'consul.bind' });
  });

  it('a missing field inside #each names the path as written', () => {
    const p = tpl('{{#each servers}}\nserver {{this.addr}}\n{{/each}}\n');
    expect(catchError(() => renderTemplate(p, { servers: [{}] }))).toMatchObject({ line: 2, variable: 'this.addr' });
  });

  it('#each over a missing value is an error, #if on a missing value is not', () => {
    const p = tpl('a\n{{#each servers}}x{{/each}}');
    expect(catchError(() => renderTemplate(p, {}))).toMatchObject({ line: 2, variable: 'servers' });
    expect(renderTemplate(tpl('{{#if tls}}tls on{{else}}tls off{{/if}}'), {})).toBe('tls off');
  });

  it('a defined but undefined-valued variable renders empty (the key exists)', () => {
    expect(renderTemplate(tpl('[{{x}}]'), { x: undefined })).toBe('[]');
  });

  it('syntax errors carry file:line', () => {
    const p = tpl('ok\nok\n{{#if x}\n');
    const e = catchError(() => renderTemplate(p, {}));
    expect(e.line).toBe(3);
    expect(e.message).toMatch(new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: syntax error`));
  });

  it('a missing template file is a TemplateError naming it', () => {
    expect(catchError(() => renderTemplate(join(dir, 'nope.hbs'), {})).message).toMatch(/nope\.hbs: cannot read template/);
  });

  it('unknown partials fail instead of rendering nothing', () => {
    expect(catchError(() => renderTemplate(tpl('{{> header}}'), {})).message).toMatch(/partial header could not be found/);
  });

  it('recompiles when the file changes (cache by path + mtime)', () => {
    const p = tpl('v1 {{a}}');
    expect(renderTemplate(p, { a: 1 })).toBe('v1 1');
    writeFileSync(p, 'version two {{a}}');
    utimesSync(p, new Date(), new Date(Date.now() + 5000));
    expect(renderTemplate(p, { a: 1 })).toBe('version two 1');
  });
});

describe('helpers', () => {
  it('json with and without indent', () => {
    const p = tpl('{{json opts}}|{{json opts 2}}');
    expect(renderTemplate(p, { opts: { a: [1, 'x'] } })).toBe('{"a":[1,"x"]}|{\n  "a": [\n    1,\n    "x"\n  ]\n}');
  });

  it('json of a missing variable is an error naming it', () => {
    const p = tpl('line1\n  "opts": {{json dockerOpts 2}}\n');
    expect(catchError(() => renderTemplate(p, {}))).toMatchObject({ line: 2, variable: 'dockerOpts' });
  });

  it('join with default and custom separator', () => {
    expect(renderTemplate(tpl('{{join xs}};{{join xs ":"}}'), { xs: ['a', 'b', 3] })).toBe('a, b, 3;a:b:3');
    expect(catchError(() => renderTemplate(tpl('{{join xs}}'), { xs: 'ab' })).message).toMatch(/join: expected an array, got string/);
  });

  it('eq in a sub-expression', () => {
    const p = tpl('{{#if (eq role "server")}}server = true{{else}}server = false{{/if}}');
    expect(renderTemplate(p, { role: 'server' })).toBe('server = true');
    expect(renderTemplate(p, { role: 'client' })).toBe('server = false');
  });

  it('default for missing/null, value otherwise', () => {
    const p = tpl('{{default port 8500}} {{default name "n"}}');
    expect(renderTemplate(p, {})).toBe('8500 n');
    expect(renderTemplate(p, { port: 0, name: null })).toBe('0 n');
  });

  it('indent like Jinja: not the first line, not blank lines, unless asked', () => {
    const v = { body: 'a: 1\n\nb:\n  c: 2' };
    expect(renderTemplate(tpl('x:\n  {{indent body 2}}'), v)).toBe('x:\n  a: 1\n\n  b:\n    c: 2');
    expect(renderTemplate(tpl('{{indent body 4 true}}'), v)).toBe('    a: 1\n\n    b:\n      c: 2');
  });
});

describe('templateVariables', () => {
  it('lists root variables, not helpers, item fields, @data or this', () => {
    const p = tpl(
      '{{dc}} {{json opts 2}} {{default port 1}}\n{{#if (eq role "server")}}{{bootstrap}}{{/if}}\n' +
        '{{#each servers}}{{this.addr}} {{name}} {{@index}} {{../domain}}{{/each}}\n{{#with tls}}{{cert}}{{/with}}{{facts.os.id}}',
    );
    expect(templateVariables(p)).toEqual(['bootstrap', 'dc', 'facts', 'opts', 'port', 'role', 'servers', 'tls']);
  });
});
