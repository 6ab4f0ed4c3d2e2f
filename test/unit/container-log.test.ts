import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../src/clock/index.js';
import { CriLogWriter, goRfc3339Nano, joinCriLogLines, parseCriLog, type CriLogRecord } from '../../src/runtime/container-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(maxLineSize?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'crilab-log-'));
  dirs.push(dir);
  const path = join(dir, 'pods', 'ns_pod_uid', 'app', '0.log');
  const clock = new SimClock();
  const seen: CriLogRecord[] = [];
  const w = new CriLogWriter({ path, clock, ...(maxLineSize !== undefined ? { maxLineSize } : {}), onLine: (_s, r) => seen.push(r) });
  return { w, path, clock, seen, read: () => readFileSync(path, 'utf8') };
}

describe('CriLogWriter', () => {
  it('writes one F record per line, per stream, with Go RFC3339Nano times; creates parent dirs', async () => {
    const { w, read, clock, seen } = setup();
    w.write('stdout', 'hello\nwor');
    w.write('stderr', 'oops\r\n');
    clock.start();
    await clock.sleep(1500);
    w.write('stdout', 'ld\n\n');
    await w.close();
    clock.stop();
    expect(read()).toBe(
      [
        '2026-01-01T00:00:00Z stdout F hello',
        '2026-01-01T00:00:00.000000001Z stderr F oops',
        '2026-01-01T00:00:01.5Z stdout F world',
        '2026-01-01T00:00:01.500000001Z stdout F ',
        '',
      ].join('\n'),
    );
    expect(seen.map((r) => r.content)).toEqual(['hello', 'oops', 'world', '']);
  });

  it('splits lines longer than maxLineSize into P pieces and a final F', async () => {
    const { w, read } = setup(4);
    w.write('stdout', 'abcdefghij\nabcd\n');
    await w.close();
    const recs = parseCriLog(read());
    expect(recs.map((r) => [r.tag, r.content])).toEqual([
      ['P', 'abcd'],
      ['P', 'efgh'],
      ['F', 'ij'],
      ['F', 'abcd'],
    ]);
    expect(joinCriLogLines(recs).map((l) => l.content)).toEqual(['abcdefghij', 'abcd']);
  });

  it('writes a piece as soon as more than maxLineSize bytes of one line wait (as containerd does)', async () => {
    const { w, seen } = setup(4);
    w.write('stdout', 'abcde');
    expect(seen.map((r) => [r.tag, r.content])).toEqual([['P', 'abcd']]);
    await w.close();
    expect(seen.map((r) => [r.tag, r.content])).toEqual([
      ['P', 'abcd'],
      ['P', 'e'],
    ]);
  });

  it('at close, a last line without a newline is written as P; nothing is lost', async () => {
    const { w, read } = setup();
    for (let i = 0; i < 1000; i++) w.write('stdout', `line ${i}\n`);
    w.write('stderr', 'no newline');
    await w.close();
    const recs = parseCriLog(read());
    expect(recs).toHaveLength(1001);
    expect(recs[999]!.content).toBe('line 999');
    expect(recs[1000]).toMatchObject({ stream: 'stderr', tag: 'P', content: 'no newline' });
  });

  it('uses the default 16 KiB limit', async () => {
    const { w, read } = setup();
    w.write('stdout', `${'x'.repeat(16 * 1024 + 10)}\n`);
    await w.close();
    expect(parseCriLog(read()).map((r) => [r.tag, r.content.length])).toEqual([
      ['P', 16384],
      ['F', 10],
    ]);
  });
});

describe('goRfc3339Nano', () => {
  it('drops trailing zeros of the fraction as Go does', () => {
    expect(goRfc3339Nano(BigInt(Date.UTC(2026, 10, 29, 2, 15, 8)) * 1_000_000n + 797_890_700n)).toBe('2026-11-29T02:15:08.7978907Z');
    expect(goRfc3339Nano(1_767_225_600_000_000_000n)).toBe('2026-01-01T00:00:00Z');
  });
});
