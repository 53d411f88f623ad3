export * from './paths.ts';
export { migrate, readMigrations, checksum, type MigrationFile } from './migrate.ts';
export { diffSchemaToSql, isEmptyScript, type DiffFrom } from './diff.ts';
export { newMigration } from './new-migration.ts';
