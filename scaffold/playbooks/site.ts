/** The site: every host of the `web` group gets the web role. Run: npx rig run playbooks/site.ts -i inventory --check --diff */
import { definePlaybook } from 'rig';
import web from '../roles/web/index.ts';

export default definePlaybook({ name: 'web servers', hosts: 'web', become: true, roles: [web] });
