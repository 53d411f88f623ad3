import { diffSchemaToSql, migrate } from './index.ts';
import { createScratchDatabase } from '@wrk/devdb';
import pg from 'pg';
const root = '/tmp/wrk-dev-root';
const s = await createScratchDatabase('postgres://postgres:postgres@127.0.0.1:5432/postgres');
const c = new pg.Client(s.url); await c.connect();
await c.query(await diffSchemaToSql('identity', { kind: 'empty' }, { root }));
await c.end();
try { console.log(JSON.stringify(await diffSchemaToSql('identity', { kind: 'database', url: s.url }, { root }))); } catch (e) { console.log(String(e).slice(0, 300)); }
await s.drop();
