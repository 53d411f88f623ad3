import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
const glue = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
const bytes = await readFile(join(dirname(glue), 'schema_engine_bg.wasm'));
const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bindings as any });
bindings.__wbg_set_wasm(instance.exports);
(instance.exports.__wbindgen_start as any)();
const f = new PrismaPg({ connectionString: 'postgres://postgres:postgres@127.0.0.1:5432/postgres' });
const spy: any = { adapterName: f.adapterName, provider: f.provider,
  connect: async () => { const a: any = await f.connect(); return new Proxy(a, { get(t, p) { const v = t[p]; if (typeof v === 'function') return (...args: any[]) => { console.log('CALL', String(p), JSON.stringify(args).slice(0, 200)); return v.apply(t, args); }; return v; } }); },
  connectToShadowDb: async () => { console.log('SHADOW'); return f.connectToShadowDb(); } };
const path = '/tmp/wrk-dev-root/prisma/identity/schema.prisma';
const files = [{ path, content: await readFile(path, 'utf8') }];
const engine = await bindings.SchemaEngine.new({ datamodels: [[path, files[0].content]] }, (l: string) => console.log('LOG', l), bindMigrationAwareSqlAdapterFactory(spy));
console.log('--- created');
const r = await engine.diff({ from: { tag: 'empty' }, to: { tag: 'schemaDatamodel', files }, script: true, exitCode: null, filters: { externalTables: [], externalEnums: [] } });
console.log(r.stdout);
