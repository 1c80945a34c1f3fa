export { Store, type StoreOptions } from './Store';
export { AuditLog, type AuditEntry } from './AuditLog';
export type * from './schema';
