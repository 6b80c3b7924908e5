/** Inventory: Ansible-format YAML inventories, host patterns, extra vars, ansible-inventory compatible output. */
export type { Group, Inventory } from './types.ts';
export { loadInventory } from './load.ts';
export { selectHosts } from './patterns.ts';
export { parseExtraVars } from './extra-vars.ts';
export { toAnsibleList, toAnsibleGraph } from './ansible-output.ts';
export { expandHostPattern } from './host-pattern.ts';
export { hostSettings, isJinja, settingVar, BECOME_METHODS, SETTING_VARS, type HostSetting } from './host-settings.ts';
export { isKnownAnsibleVar, KNOWN_ANSIBLE_VARS } from './connection-vars.ts';
