import type { TestProject } from 'vitest/node';
import { PostgresCluster } from './PostgresCluster';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The integration-pg cluster's maintenance database; each test server makes its own. */
    postgresAdminUrl: string | undefined;
  }
}

/**
 * globalSetup of the integration-pg project: one throw-away PostgreSQL cluster for the whole run
 * (test/support/PostgresCluster.ts), stopped at the end; every server the tests start gets a
 * database of its own on it (test/support/testServer.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await PostgresCluster.start();
  project.provide('postgresAdminUrl', cluster.adminUrl);
  return () => cluster.stop();
}
