import { describe, expect, it } from 'vitest';
import { RuntimeRandom } from '../../src/runtime/random.js';

describe('RuntimeRandom', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const r = new RuntimeRandom(seed);
      return [r.id64(), r.uuid(), r.uuidLayoutHex(), r.hex(8), r.int(1, 1000), r.mac()];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('gives values of the shapes containerd and the kernel use', () => {
    const r = new RuntimeRandom(7);
    for (let i = 0; i < 50; i++) {
      expect(r.id64()).toMatch(/^[0-9a-f]{64}$/);
      expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.uuidLayoutHex()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(r.hex(8)).toMatch(/^[0-9a-f]{8}$/);
      const n = r.int(3, 5);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
      const mac = r.mac();
      expect(mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      const first = parseInt(mac.slice(0, 2), 16);
      expect(first & 0x02).toBe(0x02); // locally administered
      expect(first & 0x01).toBe(0); // unicast
    }
    expect(r.hex(0)).toBe('');
    expect(() => r.hex(-1)).toThrow(RangeError);
  });
});
