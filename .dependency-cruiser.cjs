/** Layering guard (ARCHITECTURE.md): cli → runner → modules → facts → core; connection, inventory, templates, reporters → core;
 *  schema (zod) → core, used by modules, dsl, inventory and runner. */
const layer = (from, allowed) => ({
  name: `${from}-imports-only-${allowed.join('-') || 'itself'}`,
  severity: 'error',
  from: { path: `^src/${from}/` },
  to: { path: '^src/', pathNot: [`^src/${from}/`, ...allowed.map((a) => `^src/${a}/`)] },
});
module.exports = {
  forbidden: [
    layer('core', []),
    layer('schema', ['core']),
    layer('facts', ['core']),
    layer('modules', ['facts', 'schema', 'core']),
    layer('connection', ['core']),
    layer('inventory', ['schema', 'core']),
    layer('templates', ['core']),
    layer('reporters', ['core']),
    layer('dsl', ['modules', 'facts', 'schema', 'core']),
    layer('runner', ['modules', 'facts', 'schema', 'core', 'connection', 'inventory', 'templates', 'reporters']),
    {
      name: 'core-has-no-third-party',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer'] },
    },
    { name: 'no-cycles', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
