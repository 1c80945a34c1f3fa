export { Store, type StoreOptions } from './Store';
export { AuditLog, type AuditEntry } from './AuditLog';
export { CompiledQueries } from './CompiledQueries';
export type * from './schema';
