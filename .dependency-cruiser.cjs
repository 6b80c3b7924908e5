/** Layering guard (ARCHITECTURE.md): cli → runner → modules → facts → core; connection, inventory, templates, reporters → core;
 *  schema (zod) → core, used by modules, dsl, inventory and runner. roles/ and playbooks/ → src/index.ts (and
 *  src/testing/index.ts) only; src/ → never roles/ or playbooks/. */
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
    {
      // the reusable roles (and their library/ modules) and the playbooks are written like any user's: against rig's public
      // entries only, so they keep working from the package (rig, rig/testing) and the engine's internals stay free to move
      name: 'roles-and-playbooks-import-only-the-public-api',
      severity: 'error',
      from: { path: '^(roles|playbooks)/' },
      to: { path: '^src/', pathNot: ['^src/index\\.ts$', '^src/testing/index\\.ts$'] },
    },
    {
      // the engine stays generic: it knows no role or playbook (cluster modules live in roles/*/library/)
      name: 'src-imports-no-roles-or-playbooks',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(roles|playbooks)/' },
    },
    { name: 'no-cycles', severity: 'error', from: { path: '^(src|roles|playbooks)/' }, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
