// Bundles the compiled CLI (dist/cli/main.js, from tsc) into dist/bundle/ with esbuild, one
// file per lazily loaded part. Why: Node 20 loads ES modules one file at a time, and crilab
// with its dependencies is about 1,900 files (ink alone pulls 400 from es-toolkit); resolving
// and reading them took longer than drawing the UI. The bundle keeps the CLI's dynamic imports
// as separate chunks, so `crilab play` loads the UI first and the runtime after the first frame.
//
// Only the CLI runs from the bundle (bin/crilab.mjs). Tests import the TypeScript sources, and
// dist/*.js stays as tsc wrote it for anything that imports crilab's modules.
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist/bundle');
rmSync(outdir, { recursive: true, force: true });

/**
 * yoga-layout (ink's layout engine) embeds its WebAssembly as a data: URL and, wherever a
 * global fetch exists, loads it with fetch(). In Node that first fetch loads undici, Node's
 * HTTP client: about 250 ms of CPU at every start, for a URL that is a string in the same file.
 * Its other path, taken where there is no fetch, decodes the same bytes with atob (under 1 ms).
 * This plugin makes the bundled copy take that path. The build fails if the code it expects is
 * not there (a new yoga-layout), rather than bundling without it.
 */
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const test = '"function"!=typeof fetch';
      const found = text.split(test).length - 1;
      if (found !== 2) throw new Error(`${args.path}: expected 2 fetch checks, found ${found}; review the yoga-without-fetch plugin`);
      return { contents: text.replaceAll(test, '!0'), loader: 'js' };
    });
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: { crilab: 'dist/cli/main.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Chunks sit beside the entry: code that finds crilab's files from its own URL (proto/,
  // scenarios/, package.json) walks up from dist/bundle/ as it does from dist/<dir>/.
  chunkNames: '[name]-[hash]',
  // Some dependencies are CommonJS and call require() for Node's built-ins; an ES module has no
  // require, so each output file gets one.
  banner: { js: "import { createRequire as __crilabCreateRequire } from 'node:module'; const require = __crilabCreateRequire(import.meta.url);" },
  // The CLI is the production build: React picks its build from NODE_ENV when first required,
  // and fixing the choice here leaves the development build (half of react-reconciler's 1.1 MB,
  // parsed at every start) out of the bundle. bin/crilab.mjs sets NODE_ENV=production anyway;
  // run the sources (tsx src/cli/main.ts) for React's development checks.
  define: { 'process.env.NODE_ENV': '"production"' },
  // ink imports React DevTools only when DEV=true; it is not a dependency of crilab.
  external: ['react-devtools-core'],
  // Keep function and class names: error stacks and xstate's actor names stay readable.
  keepNames: true,
  plugins: [yogaWithoutFetch],
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: process.env.CRILAB_BUNDLE_META !== undefined,
});
// CRILAB_BUNDLE_META=FILE writes esbuild's metafile (what went into which chunk) for analysis.
if (result.metafile) (await import('node:fs')).writeFileSync(process.env.CRILAB_BUNDLE_META, JSON.stringify(result.metafile));
