export * from './errors';
export * from './envelope';
export * from './ids';
export * from './media';
export * from './calls';
export * from './session';
export * from './namespaces';
