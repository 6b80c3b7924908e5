/** README's list of what `import … from 'rig'` gives stays complete against src/index.ts's runtime exports. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../../../src/index.ts';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('names every runtime export of the public API, in backquotes', () => {
    const missing = Object.keys(api).filter((name) => !readme.includes(`\`${name}\``));
    expect(missing, 'exports of src/index.ts missing from README "What import { … } from \'rig\' gives"').toEqual([]);
  });
});
