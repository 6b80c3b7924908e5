/** The playbook DSL. */
export * from './modules.ts';
export { defineHandler, taskFactory, type TaskFactory } from './task.ts';
export { definePlay, definePlaybook, defineRole, flushHandlers, withRoleParams, type PlayProps, type RoleProps, type RoleScope } from './play.ts';
export { block, type BlockProps } from './block.ts';
