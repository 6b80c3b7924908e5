/** Inventory: Ansible-format YAML inventories, host patterns, extra vars, ansible-inventory compatible output. */
export type { Group, Inventory } from './types.ts';
export { loadInventory, type LoadOptions } from './load.ts';
export { matchHosts, selectHosts, type PatternMatch } from './patterns.ts';
export { expandLimit } from './limit.ts';
export { parseExtraVars } from './extra-vars.ts';
export { toAnsibleList, toAnsibleListText, toAnsibleHostText, toAnsibleGraph } from './ansible-output.ts';
export { decryptVault, parseVaultEnvelope, isVaultText, VaultError, DEFAULT_VAULT_ID, type VaultSecret } from './vault.ts';
export { LockedVault, lockedVaultIn, VAULT_FLAGS_HINT } from './vault-load.ts';
export { expandHostPattern } from './host-pattern.ts';
export { hostSettings, isJinja, settingVar, BECOME_METHODS, SETTING_VARS, type HostSetting } from './host-settings.ts';
export { isKnownAnsibleVar, KNOWN_ANSIBLE_VARS } from './connection-vars.ts';
export { inventoryWithDefaults, withConnectionDefaults, type ConnectionDefaults } from './connection-defaults.ts';
export { connectionKind, CONNECTION_HINT } from './connection-type.ts';
