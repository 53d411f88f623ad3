/**
 * The explorer's browser assets, built once by esbuild (at install, through `pnpm generate`, and by `pnpm start` when
 * an input changed): the page's script and stylesheet, Monaco's three workers and the fonts, each under a hashed name,
 * with a gzip and a brotli copy of every file, and a manifest the gateway reads at start. Output: gateway/explorer/dist
 * (git-ignored).
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { z } from 'zod';

export const EXPLORER_DIR = new URL('../explorer/', import.meta.url).pathname;
export const EXPLORER_DIST = join(EXPLORER_DIR, 'dist');
export const EXPLORER_MANIFEST = join(EXPLORER_DIST, 'manifest.json');

const manifestSchema = z.object({
  script: z.string(),
  stylesheets: z.array(z.string()),
  workers: z.object({ editor: z.string(), json: z.string(), graphql: z.string() }),
});
/** The hashed names of what the page loads. */
export type ExplorerManifest = z.infer<typeof manifestSchema>;

// Monaco's workers live in GraphiQL's dependencies, not the gateway's: resolved from @graphiql/react.
const requireFromGraphiql = createRequire(createRequire(import.meta.url).resolve('graphiql'));
const requireFromGraphiqlReact = createRequire(requireFromGraphiql.resolve('@graphiql/react'));
const WORKERS = {
  editor: requireFromGraphiqlReact.resolve('monaco-editor/esm/vs/editor/editor.worker.js'),
  json: requireFromGraphiqlReact.resolve('monaco-editor/esm/vs/language/json/json.worker.js'),
  graphql: requireFromGraphiqlReact.resolve('monaco-graphql/esm/graphql.worker.js'),
};

/**
 * GraphiQL's stylesheet inlines its Roboto and Fira Code faces as data URLs (~470 kB): the explorer uses the system's
 * sans-serif and monospace instead, which keeps the first load under 2 MB. Monaco's icon font (a file) stays.
 */
const withoutInlinedFonts: Plugin = {
  name: 'without-inlined-fonts',
  setup(esbuild) {
    esbuild.onLoad({ filter: /graphiql[\\/]dist[\\/]style\.css$/ }, ({ path }) => ({
      contents: readFileSync(path, 'utf8').replace(/@font-face\s*\{[^}]*url\(data:font\/woff2?;[^}]*\}/g, ''),
      loader: 'css',
    }));
  },
};

const common = {
  bundle: true,
  minify: true,
  legalComments: 'none',
  target: 'es2022',
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  write: true,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
} as const;

function compressAll(files: string[]): void {
  for (const file of files) {
    const content = readFileSync(file);
    writeFileSync(`${file}.gz`, gzipSync(content, { level: 9 }));
    writeFileSync(`${file}.br`, brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 10 } }));
  }
}

export async function buildExplorer(outdir = EXPLORER_DIST): Promise<ExplorerManifest> {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const page = await build({
    ...common,
    entryPoints: [join(EXPLORER_DIR, 'src/main.tsx')],
    outdir,
    format: 'esm',
    splitting: true,
    chunkNames: 'chunk-[hash]',
    jsx: 'automatic',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
    plugins: [withoutInlinedFonts],
  });
  const workers = await build({
    ...common,
    entryPoints: Object.entries(WORKERS).map(([name, path]) => ({ in: path, out: `${name}.worker` })),
    outdir,
    format: 'iife',
  });
  const outputs = Object.entries(page.metafile.outputs);
  const pageScript = outputs.find(([file, output]) => file.endsWith('.js') && output.entryPoint?.endsWith('main.tsx'))?.[0];
  if (!pageScript) throw new Error('explorer build: no page script');
  // esbuild does not load the CSS of lazily imported chunks (Monaco's): the page links every stylesheet.
  const stylesheets = outputs.map(([file]) => file).filter((file) => file.endsWith('.css'));
  const workerFile = (name: string) => {
    const file = Object.keys(workers.metafile.outputs).find(
      (output) => basename(output).startsWith(`${name}.worker-`) && output.endsWith('.js'),
    );
    if (!file) throw new Error(`explorer build: no ${name} worker`);
    return basename(file);
  };
  const manifest: ExplorerManifest = {
    script: basename(pageScript),
    stylesheets: stylesheets.map((file) => basename(file)),
    workers: { editor: workerFile('editor'), json: workerFile('json'), graphql: workerFile('graphql') },
  };
  compressAll([...Object.keys(page.metafile.outputs), ...Object.keys(workers.metafile.outputs)].filter((file) => !file.endsWith('.map')));
  writeFileSync(join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** The built explorer's manifest, or undefined when it was not built. */
export function explorerManifest(): ExplorerManifest | undefined {
  if (!existsSync(EXPLORER_MANIFEST)) return undefined;
  return manifestSchema.parse(JSON.parse(readFileSync(EXPLORER_MANIFEST, 'utf8')));
}
