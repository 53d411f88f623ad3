import { newMigration, diffSchemaToSql, migrate } from './index.ts';
import { createScratchDatabase, testDatabaseServer } from '@wrk/devdb';
const root = '/tmp/wrk-dev-root';
console.log(await newMigration('identity', 'init', { root }));
console.log(await newMigration('identity', 'again', { root }));
