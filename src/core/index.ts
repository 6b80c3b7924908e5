/** Core vocabulary: no I/O, no third-party imports. */
export * from './quote.ts';
export * from './pending-records.ts';
export * from './host.ts';
export * from './host-facts.ts';
export * from './fact.ts';
export * from './change.ts';
export * from './module.ts';
export * from './result.ts';
export * from './connection.ts';
export * from './errors.ts';
export * from './secret.ts';
export * from './task.ts';
export * from './replace-file.ts';
export * from './schema.ts';
export * from './glob.ts';
export * from './canonical-json.ts';
