/** Example playbook: the example role on every host, plus a check that registered results and setFact flow. */
import { assert, definePlaybook } from '../src/index.ts';
import example from '../roles/example/index.ts';

export default definePlaybook({
  name: 'example',
  hosts: 'all',
  become: true,
  roles: [example],
  tasks: [assert((ctx) => ({ that: [typeof ctx.vars.app_url === 'string'], msg: 'setFact did not set app_url' }), { name: 'app url set' })],
});
