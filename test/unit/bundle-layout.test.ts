/**
 * The CLI's bundle (dist/bundle/, scripts/bundle.mjs) is split so that `crilab play` draws its
 * first frame before the runtime, the kubelet and gRPC are loaded. This test follows the
 * bundle's static imports — what Node must load before any code runs — from the entry and from
 * the play chunk, and checks which sources they hold (esbuild marks each with a `// path` line).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BUNDLE = resolve(import.meta.dirname, '../../dist/bundle');

/** Every file reached through static `import … from "./x.js"` lines, and the sources they hold. */
function staticClosure(entry: string): { files: Set<string>; sources: string[] } {
  const files = new Set<string>();
  const sources: string[] = [];
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(join(BUNDLE, file), 'utf8');
    for (const m of text.matchAll(/^\/\/ ((?:dist|node_modules)\/\S+)$/gm)) sources.push(m[1]!);
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s*"\.\/([^"]+)";?$/gms)) visit(m[1]!);
    for (const m of text.matchAll(/^import\s*"\.\/([^"]+)";?$/gm)) visit(m[1]!);
  };
  visit(entry);
  return { files, sources };
}

const HEAVY = [/node_modules\/@grpc\//, /node_modules\/protobufjs\//, /node_modules\/@faker-js\//, /node_modules\/xstate\//, /^dist\/runtime\//, /^dist\/kubelet\//, /^dist\/backends\/containerd\/(?!lab\/paths)/];

describe('the CLI bundle loads in layers', () => {
  if (!existsSync(join(BUNDLE, 'crilab.js'))) throw new Error('dist/bundle/ is missing: run `npm run build` first (npm test does)');

  it('the entry (every command, --help, --version) holds commander and the commands, nothing heavy', () => {
    const { sources } = staticClosure('crilab.js');
    expect(sources.some((s) => s.startsWith('node_modules/commander/'))).toBe(true);
    for (const heavy of [...HEAVY, /node_modules\/ink\//, /node_modules\/zod\//]) expect(sources.filter((s) => heavy.test(s))).toEqual([]);
  });

  it("`play`'s first frame needs the UI and the scenario loader, not the runtime, the kubelet or gRPC", () => {
    const play = readdirSync(BUNDLE).find((f) => /^play-[A-Z0-9]+\.js$/.test(f));
    expect(play).toBeDefined();
    const { sources } = staticClosure(play!);
    expect(sources).toContain('dist/ui/run-ui.js');
    expect(sources).toContain('dist/scenario/loader.js');
    expect(sources.some((s) => s.startsWith('node_modules/ink/'))).toBe(true);
    // zod sits in a chunk of its own (shared with the runner): the closure follows imports.
    expect(sources.some((s) => s.startsWith('node_modules/zod/'))).toBe(true);
    for (const heavy of HEAVY) expect(sources.filter((s) => heavy.test(s))).toEqual([]);
    // React's production build only (the bundle is built for NODE_ENV=production).
    expect(sources.filter((s) => s.includes('.development.js'))).toEqual([]);
  });

  it('the live half (runtime, kubelet, gRPC) is a chunk of its own, loaded on demand', () => {
    const live = readdirSync(BUNDLE).find((f) => /^live-[A-Z0-9]+\.js$/.test(f));
    expect(live).toBeDefined();
    const { sources } = staticClosure(live!);
    for (const needed of [/^dist\/runtime\/sim-runtime\.js$/, /^dist\/kubelet\/kubelet\.js$/, /node_modules\/@grpc\/grpc-js\//]) {
      expect(sources.some((s) => needed.test(s))).toBe(true);
    }
  });
});
