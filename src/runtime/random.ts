import { base, Faker } from '@faker-js/faker';

/**
 * The simulated runtime's only source of randomness: sandbox and container IDs, netns names,
 * veth names and MAC addresses. Seeded, so the same scenario gives the same IDs every run
 * (the trace normaliser still renames them for goldens, but a learner replaying a recording
 * sees the same values as the teacher who made it).
 */
export class RuntimeRandom {
  private readonly faker: Faker;

  constructor(readonly seed = 1) {
    // Only numbers and UUIDs are drawn, which need no locale's word lists: the base locale
    // keeps the English one (half a megabyte of names and words) out of memory and start-up.
    this.faker = new Faker({ locale: [base] });
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
    while (out.length < n) out += this.faker.number.int({ min: 0, max: 0xffffffff }).toString(16).padStart(8, '0');
    return out.length === n ? out : out.slice(0, n);
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return this.faker.number.int({ min, max });
  }

  /**
   * A MAC address as the Linux kernel picks one for a new veth or bridge (`eth_random_addr`):
   * random, with the locally-administered bit set and the multicast bit cleared.
   */
  mac(): string {
    const bytes = Array.from({ length: 6 }, () => this.int(0, 255));
    bytes[0] = ((bytes[0] ?? 0) & 0xfe) | 0x02;
    return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
  }
}
