/** Inventory: Ansible-format YAML inventories, host patterns, extra vars, ansible-inventory compatible output. */
export type { Group, Inventory } from './types.ts';
export { loadInventory } from './load.ts';
export { matchHosts, selectHosts, type PatternMatch } from './patterns.ts';
export { expandLimit } from './limit.ts';
export { parseExtraVars } from './extra-vars.ts';
export { toAnsibleList, toAnsibleGraph } from './ansible-output.ts';
export { expandHostPattern } from './host-pattern.ts';
export { settingVar, BECOME_METHODS, type HostSetting } from './host-settings.ts';
export { isKnownAnsibleVar, KNOWN_ANSIBLE_VARS } from './connection-vars.ts';
export { inventoryWithDefaults, withConnectionDefaults, type ConnectionDefaults } from './connection-defaults.ts';
export { connectionKind, CONNECTION_HINT } from './connection-type.ts';
