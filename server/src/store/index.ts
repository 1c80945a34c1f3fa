export { Store, type StoreOptions } from './Store';
export { dialectOf, isUniqueViolation, lockRows, type DialectName } from './dialect';
export { AuditLog, type AuditEntry } from './AuditLog';
export { CompiledQueries } from './CompiledQueries';
export type * from './schema';
