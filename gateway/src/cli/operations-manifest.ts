// pnpm operations:manifest: writes operations/persisted-query-manifest.json (Apollo's format) from operations/*.graphql.
import { writeFileSync } from 'node:fs';
import { loadOperations, MANIFEST_FILE, persistedQueryManifest } from '../mcp/operations.ts';

const operations = loadOperations();
writeFileSync(MANIFEST_FILE, persistedQueryManifest(operations));
console.log(`operations:manifest: wrote ${operations.length} operations to ${MANIFEST_FILE.pathname}`);
