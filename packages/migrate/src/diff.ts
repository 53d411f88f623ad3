/**
 * Schema diffing through Prisma's schema engine compiled to WebAssembly.
 *
 * Why not `prisma migrate diff`: in Prisma 7.10 the CLI's migrate commands always run the native schema-engine
 * binary, which is downloaded on install and so unavailable offline. `@prisma/schema-engine-wasm` is the same
 * engine as wasm; it talks to Postgres through a JS driver adapter (`PrismaPg`) instead of its own driver.
 *
 * This is an internal, unversioned Prisma API ("will break without prior warning"): the package version is pinned
 * exactly in package.json and the drift test (test/migrations.test.ts) exercises it. When upgrading Prisma, check
 * that `SchemaEngine.new(options, logCallback, adapterFactory)` and `diff()` still have these shapes.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import {
  ColumnTypeEnum,
  bindMigrationAwareSqlAdapterFactory,
  mockAdapter,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import { MIGRATIONS_TABLE, REPO_ROOT, schemaPath, type Slice } from './paths.ts';

// Node has WebAssembly, but the ES2023 lib and @types/node 20 do not declare it.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let wasmReady: Promise<void> | undefined;

/**
 * The package's entry point does `import * as wasm from "./schema_engine_bg.wasm"`, which Node only supports
 * behind --experimental-wasm-modules (and jest not at all), so we do by hand what that entry point does:
 * instantiate the .wasm with the JS glue as its import object, hand the instance to the glue, start it.
 * The wasm module holds global state, so this happens once per process (module registry).
 */
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    // On a Rust panic the glue calls `global.PRISMA_WASM_PANIC_REGISTRY.set_message(msg)` (Prisma's CLI sets
    // this up) and then dies with an uncaught "RuntimeError: unreachable": print the message, which is the only
    // useful part, and start from a fresh instance next time.
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
      set_message: (message: string) => {
        console.error(`Prisma schema engine panicked: ${message}`);
        wasmReady = undefined;
      },
    };
    const glue = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(join(dirname(glue), 'schema_engine_bg.wasm'));
    const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bindings });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return wasmReady;
}

export type DiffFrom = { kind: 'empty' } | { kind: 'database'; url: string };

/**
 * The SQL that takes the `<slice>` Postgres schema from `from` (nothing, or what a database has now) to
 * `prisma/<slice>/schema.prisma`. Returns '' when there is nothing to do.
 */
export async function diffSchemaToSql(slice: Slice, from: DiffFrom, options: { root?: string } = {}): Promise<string> {
  const path = schemaPath(slice, options.root ?? REPO_ROOT);
  const files = [{ path, content: await readFile(path, 'utf8') }];
  await loadWasm();
  // `bindMigrationAwareSqlAdapterFactory` wraps an adapter the way the engine expects (errors captured in a
  // registry, Result-returning methods).
  const adapter = bindMigrationAwareSqlAdapterFactory(from.kind === 'database' ? new SchemaEnginePg(from.url) : offlineAdapterFactory());
  try {
    const engine: SchemaEngine = await bindings.SchemaEngine.new(
      { datamodels: files.map((file) => [file.path, file.content]) },
      () => {}, // engine log lines (JSON tracing events); not needed
      adapter,
    );
    try {
      const result = await engine.diff({
        from: from.kind === 'empty' ? { tag: 'empty' } : { tag: 'schemaDatasource', files, configDir: dirname(path) },
        to: { tag: 'schemaDatamodel', files },
        script: true,
        exitCode: null,
        // Our bookkeeping table lives in the slice's schema but not in the Prisma schema.
        filters: { externalTables: [`${slice}.${MIGRATIONS_TABLE}`], externalEnums: [] },
      });
      const sql = result.stdout ?? '';
      return isEmptyScript(sql) ? '' : sql;
    } finally {
      engine.free();
    }
  } catch (error) {
    // Errors thrown inside the adapter reach us as "External error id#N"; the original is in the registry.
    const id = /External error id#(\d+)/.exec(String(error))?.[1];
    const original = id === undefined ? undefined : adapter.errorRegistry.consumeError(Number(id))?.error;
    throw new Error(`schema engine diff for ${slice} failed: ${String(original ?? error)}`, { cause: original ?? error });
  }
}

const PG_CHAR_OID = 18; // the one-byte "char" of pg_catalog (pg_constraint.contype, …)
const PG_TEXT_OID = 25;

/**
 * `PrismaPg` for the schema engine. The engine's introspection selects `pg_constraint.contype` ("char") and
 * reads it as a Rust `char`; @prisma/adapter-pg 7.10.1 rejects that column type even when no row comes back
 * ("Column type 'char' could not be deserialized"), and has no mapping to `ColumnTypeEnum.Character`.
 * So the pool reports "char" columns as text (which the adapter accepts) and remembers them by result rows
 * (the adapter passes pg's `rows` array through), and `queryRaw` then labels those columns `Character`.
 * Without it, any CHECK constraint, or Postgres 18's NOT NULL constraints, break the diff.
 */
class SchemaEnginePg extends PrismaPg {
  constructor(url: string) {
    const charColumns = new WeakMap<unknown[], number[]>();
    const pool = new pg.Pool({ connectionString: url });
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
    pool.query = (async (...args: unknown[]) => {
      const result = await query(...args);
      const chars = (result.fields ?? []).flatMap((field, i) => (field.dataTypeID === PG_CHAR_OID ? [i] : []));
      for (const field of result.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
      if (chars.length > 0) charColumns.set(result.rows, chars);
      return result;
    }) as typeof pool.query;
    super(pool, { disposeExternalPool: true });
    this.charColumns = charColumns;
  }
  private readonly charColumns: WeakMap<unknown[], number[]>;

  override async connect() {
    const adapter = await super.connect();
    const queryRaw = adapter.queryRaw.bind(adapter);
    adapter.queryRaw = async (sqlQuery) => {
      const result = await queryRaw(sqlQuery);
      for (const i of this.charColumns.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
      return result;
    };
    return adapter;
  }
}

/**
 * `SchemaEngine.new` always connects and runs one query (schema exists? version()? server_version_num) even when
 * the diff needs no database. For `from: empty` this adapter answers that query and fails on anything else.
 */
function offlineAdapterFactory(): SqlMigrationAwareDriverAdapterFactory {
  const connect = async (): Promise<SqlDriverAdapter> => ({
    ...mockAdapter('postgres'),
    adapterName: 'wrk-offline',
    queryRaw: async ({ sql }) => {
      if (!sql.includes("current_setting('server_version_num')")) {
        throw new Error(`offline schema engine adapter cannot run: ${sql}`);
      }
      return {
        columnNames: ['exists', 'version', 'numeric_version'],
        columnTypes: [ColumnTypeEnum.Boolean, ColumnTypeEnum.Text, ColumnTypeEnum.Int32],
        rows: [[true, 'PostgreSQL 15.0', 150000]],
      };
    },
    dispose: async () => {},
  });
  return { provider: 'postgres', adapterName: 'wrk-offline', connect, connectToShadowDb: connect };
}

/** The engine prints "-- This is an empty migration." (or nothing) when there is no difference. */
export function isEmptyScript(sql: string): boolean {
  return sql
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}
