/**
 * The picker's list of bundled scenarios (title and what each teaches) without validating all
 * fourteen at every start: validating one costs 20–100 ms of YAML parsing and schema checks
 * while the JIT is cold, over half a second for the list, before the picker can draw. The build
 * validates them once and writes an index of their titles keyed by each file's SHA-256; at start
 * a file whose text still has its hash is listed from the index, and any other (edited, new) is
 * validated as before. Opening a scenario always loads it in full, so the index only ever saves
 * the listing's work.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export const CATALOG_INDEX_FORMAT = 'crilab-scenario-index/v1';

const indexSchema = z.object({
  format: z.literal(CATALOG_INDEX_FORMAT),
  scenarios: z.array(z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), title: z.string(), teaches: z.string() })),
});

export type CatalogIndex = z.infer<typeof indexSchema>;
export type CatalogEntry = CatalogIndex['scenarios'][number];

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The index at `path`, or undefined when there is none or it is not one (then every file is validated). */
export async function readCatalogIndex(path: string): Promise<Map<string, CatalogEntry> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const res = indexSchema.safeParse(parsed);
  return res.success ? new Map(res.data.scenarios.map((e) => [e.file, e])) : undefined;
}
