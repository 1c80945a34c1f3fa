// What tests, benchmarks and tools may use of the server.
export { VisioServer } from './VisioServer';
export { loadConfig, ConfigError, type Config } from './config/config';
export { createLogger } from './logging/createLogger';
export { InMemoryDirectory } from './auth/InMemoryDirectory';
export type { Directory } from './auth/Directory';
export { seedDemo } from './demo/seedDemo';
