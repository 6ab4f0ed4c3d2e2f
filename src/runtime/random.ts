import { base, Faker, generateMersenne53Randomizer, type Randomizer } from '@faker-js/faker';

/**
 * The simulated runtime's only source of randomness: sandbox and container IDs, netns names,
 * veth names and MAC addresses. Seeded, so the same scenario gives the same IDs every run
 * (the trace normaliser still renames them for goldens, but a learner replaying a recording
 * sees the same values as the teacher who made it).
 */
export class RuntimeRandom {
  private readonly faker: Faker;
  /** Faker's generator (the kind it makes by default), kept to draw integers directly. */
  private readonly randomizer: Randomizer;

  constructor(readonly seed = 1) {
    // Only numbers and UUIDs are drawn, which need no locale's word lists: the base locale
    // keeps the English one (half a megabyte of names and words) out of memory and start-up.
    this.randomizer = generateMersenne53Randomizer();
    this.faker = new Faker({ locale: [base], randomizer: this.randomizer });
    this.faker.seed(seed);
  }

  /** A 64-character lowercase hex ID, the shape of containerd's `GenerateID` (32 random bytes, hex). */
  id64(): string {
    return this.hex(64);
  }

  /** An RFC 4122 version-4 UUID (lowercase). */
  uuid(): string {
    return this.faker.string.uuid();
  }

  /**
   * 16 random bytes laid out 8-4-4-4-12, as containerd names a pod netns
   * (`cni-%x-%x-%x-%x-%x` over 16 random bytes in pkg/netns/netns_linux.go): it has the
   * layout of a UUID but no version or variant bits.
   */
  uuidLayoutHex(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /**
   * `n` lowercase hex digits. Drawn 32 bits at a time from the seeded generator: one draw per
   * 8 digits instead of one per digit, as IDs are made on every RunPodSandbox and CreateContainer.
   */
  hex(n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`hex length must be a non-negative integer, got ${n}`);
    let out = '';
    while (out.length < n) out += hex32(this.int(0, 0xffffffff));
    return out.length === n ? out : out.slice(0, n);
  }

  /**
   * An integer in [min, max], both inclusive: the same draw as `faker.number.int({ min, max })`
   * (one value of the generator, scaled to the range), without its option parsing and checks,
   * which cost more than the draw itself on the dozens made for every RunPodSandbox. Anything
   * but a plain integer range goes to faker, for its errors.
   */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max <= min) return this.faker.number.int({ min, max });
    return Math.floor(this.randomizer.next() * (max - min + 1) + min);
  }

  /**
   * A MAC address as the Linux kernel picks one for a new veth or bridge (`eth_random_addr`):
   * random, with the locally-administered bit set and the multicast bit cleared.
   */
  mac(): string {
    let out = HEX_BYTE[(this.int(0, 255) & 0xfe) | 0x02]!;
    for (let i = 1; i < 6; i++) out += `:${HEX_BYTE[this.int(0, 255)]!}`;
    return out;
  }
}

/**
 * Each byte's two lowercase hex digits. Formatting through this table gives what
 * `toString(16).padStart()` gives, several times faster: V8 has no fast path for radix 16,
 * and every ID, netns name and MAC is made of these.
 */
const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** An unsigned 32-bit integer as 8 lowercase hex digits. */
function hex32(n: number): string {
  return HEX_BYTE[n >>> 24]! + HEX_BYTE[(n >>> 16) & 0xff]! + HEX_BYTE[(n >>> 8) & 0xff]! + HEX_BYTE[n & 0xff]!;
}
