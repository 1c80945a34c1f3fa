// What tests, benchmarks and tools may use of the server.
export { VisioServer } from './VisioServer';
export { loadConfig, ConfigError, redactDatabaseUrl, type Config } from './config/config';
export { TurnCredentials, turnRestPassword } from './relay/TurnCredentials';
export { createLogger } from './logging/createLogger';
export type { Directory } from './auth/Directory';
export { AuthModule } from './auth/AuthModule';
export { Store, AuditLog } from './store';
export { DemoSeeder, DEMO_PASSWORD } from './demo/DemoSeeder';
