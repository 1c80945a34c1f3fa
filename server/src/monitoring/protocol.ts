// The monitoring messages are defined in shared/src/protocol/monitoring.ts. Until the protocol
// index exports that module, the server reaches it through this one file; once it does, this
// line can become `export * from '@visio/shared/protocol'` (or importers use that directly).
export * from '../../../shared/src/protocol/monitoring';
