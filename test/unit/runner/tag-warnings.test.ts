import { describe, expect, it } from 'vitest';
import { block, command, defineHandler, definePlaybook, defineRole, systemd } from '../../../src/index.ts';
import { unknownTagWarnings } from '../../../src/runner/index.ts';

const restart = defineHandler('restart web', systemd({ name: 'nginx', state: 'restarted' }, { tags: ['web-handler'] }));
const role = defineRole({ name: 'web', handlers: [restart], tasks: () => [command({ cmd: ['true'] }, { tags: ['web', 'always'] })] });
const playbook = definePlaybook(
  { hosts: 'all', roles: [role], tasks: [block([command({ cmd: ['true'] })], { tags: ['blocky'] })] },
  { hosts: 'all', tasks: [command({ cmd: ['true'] }, { tags: ['db'] })] },
);
const messages = (tags: string[], skip: string[] = []) => unknownTagWarnings(playbook.plays, tags, skip).map((p) => `${p.where}: ${p.message}`);

describe('unknownTagWarnings', () => {
  it.each([
    [['web'], [], []],
    [['blocky', 'db', 'web-handler'], [], []],
    // Ansible's special tags are never unknown
    [['all', 'tagged', 'untagged', 'never', 'always'], ['always'], []],
    [['nosuchtag'], [], ["--tags: no task has the tag 'nosuchtag' (no task is selected: nothing runs); the playbook's tags: blocky, db, web, web-handler"]],
    [['web', 'wbe'], [], ["--tags: no task has the tag 'wbe'; the playbook's tags: blocky, db, web, web-handler"]],
    [['x', 'y', 'x'], [], ["--tags: no task has the tags 'x', 'y' (no task is selected: nothing runs); the playbook's tags: blocky, db, web, web-handler"]],
    [[], ['nosuchtag'], ["--skip-tags: no task has the tag 'nosuchtag'; the playbook's tags: blocky, db, web, web-handler"]],
  ])('--tags %j --skip-tags %j', (tags, skip, want) => {
    expect(messages(tags, skip)).toEqual(want);
  });

  it('a playbook without tags says so', () => {
    const bare = definePlaybook({ hosts: 'all', tasks: [command({ cmd: ['true'] })] });
    expect(unknownTagWarnings(bare.plays, ['web'], []).map((p) => p.message)).toEqual(["no task has the tag 'web' (no task is selected: nothing runs); no task of the playbook has a tag"]);
  });
});
