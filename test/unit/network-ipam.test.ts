import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostLocalIpam, IpamError } from '../../src/runtime/network/ipam-host-local.js';

const CID = (n: number) => `sandbox-${n}`;

describe('host-local defaults (Range.Canonicalize)', () => {
  it('claims .1 as gateway, starts the range at .1 and ends before the broadcast', () => {
    const ipam = new HostLocalIpam();
    expect(ipam.range).toEqual({
      subnet: '10.244.0.0/24',
      gateway: '10.244.0.1',
      rangeStart: '10.244.0.1',
      rangeEnd: '10.244.0.254',
    });
    expect(ipam.rangeSetString()).toBe('10.244.0.1-10.244.0.254');
    expect(ipam.dataDir).toBe('/var/lib/cni/networks/crilab');
    expect(ipam.freeCount()).toBe(253);
  });

  it('rejects the configurations host-local rejects, with its words', () => {
    expect(() => new HostLocalIpam({ subnet: '10.0.0.0/31' })).toThrow('Network 10.0.0.0/31 too small to allocate from');
    expect(() => new HostLocalIpam({ subnet: '10.244.0.5/24' })).toThrow(
      'Network has host bits set. For a subnet mask of length 24 the network address is 10.244.0.0',
    );
    expect(() => new HostLocalIpam({ subnet: '10.244.0.0/24', rangeStart: '10.245.0.1' })).toThrow(
      'RangeStart 10.245.0.1 not in network 10.244.0.0/24',
    );
  });
});

describe('host-local allocation order', () => {
  it('hands out .2, .3, .4 in turn (skipping the gateway at the range start)', () => {
    const ipam = new HostLocalIpam();
    expect(ipam.add(CID(1), 'eth0')).toEqual({ ips: [{ address: '10.244.0.2/24', gateway: '10.244.0.1' }], routes: [] });
    expect(ipam.get(CID(2), 'eth0').address).toBe('10.244.0.3/24');
    expect(ipam.get(CID(3), 'eth0').address).toBe('10.244.0.4/24');
    expect(ipam.lastReservedIp()).toBe('10.244.0.4');
  });

  it('continues after the last reserved IP, so a recreated sandbox gets a new IP', () => {
    const ipam = new HostLocalIpam();
    expect(ipam.get(CID(1), 'eth0').address).toBe('10.244.0.2/24');
    ipam.del(CID(1), 'eth0');
    // The freed .2 is not reused yet: round-robin goes on from the last reserved (.2).
    expect(ipam.get(CID(2), 'eth0').address).toBe('10.244.0.3/24');
  });

  it('wraps from the range end to the start, skipping the gateway and reserved IPs', () => {
    const ipam = new HostLocalIpam({ subnet: '10.0.0.0/29' }); // usable .2–.6
    const got = [1, 2, 3, 4, 5].map((n) => ipam.get(CID(n), 'eth0').address);
    expect(got).toEqual(['10.0.0.2/29', '10.0.0.3/29', '10.0.0.4/29', '10.0.0.5/29', '10.0.0.6/29']);
    ipam.del(CID(4), 'eth0'); // frees .5
    ipam.del(CID(2), 'eth0'); // frees .3
    // After .6 (last reserved) comes .1 (gateway, skipped), .2 (taken), then .3.
    expect(ipam.get(CID(6), 'eth0').address).toBe('10.0.0.3/29');
    expect(ipam.get(CID(7), 'eth0').address).toBe('10.0.0.5/29');
  });

  it('offers the last reserved IP itself last', () => {
    const ipam = new HostLocalIpam({ subnet: '10.0.0.0/29' });
    for (const n of [1, 2, 3, 4, 5]) ipam.get(CID(n), 'eth0');
    ipam.del(CID(5), 'eth0'); // frees .6, which is also the last reserved
    expect(ipam.get(CID(6), 'eth0').address).toBe('10.0.0.6/29');
  });

  it('fails with host-local\'s exact words when the range is used up', () => {
    const ipam = new HostLocalIpam();
    for (let n = 0; n < 253; n++) ipam.get(CID(n), 'eth0');
    expect(ipam.freeCount()).toBe(0);
    expect(() => ipam.get('one-too-many', 'eth0')).toThrow(
      new IpamError('no IP addresses available in range set: 10.244.0.1-10.244.0.254'),
    );
    // cmdAdd prefixes the range set's index.
    expect(() => ipam.add('one-too-many', 'eth0')).toThrow(
      'failed to allocate for range 0: no IP addresses available in range set: 10.244.0.1-10.244.0.254',
    );
  });

  it('refuses a second ADD for the same container and interface', () => {
    const ipam = new HostLocalIpam();
    ipam.get(CID(1), 'eth0');
    expect(() => ipam.get(CID(1), 'eth0')).toThrow(
      '10.244.0.2 has been allocated to sandbox-1, duplicate allocation is not allowed',
    );
    // A different interface of the same container is a different key.
    expect(ipam.get(CID(1), 'net1').address).toBe('10.244.0.3/24');
  });

  it('honours a requested IP and rejects the gateway or a taken one', () => {
    const ipam = new HostLocalIpam();
    expect(ipam.get(CID(1), 'eth0', '10.244.0.50').address).toBe('10.244.0.50/24');
    expect(ipam.lastReservedIp()).toBe('10.244.0.50');
    expect(() => ipam.get(CID(2), 'eth0', '10.244.0.1')).toThrow("requested ip 10.244.0.1 is subnet's gateway");
    expect(() => ipam.get(CID(2), 'eth0', '10.244.0.50')).toThrow(
      'requested IP address 10.244.0.50 is not available in range set 10.244.0.1-10.244.0.254',
    );
    expect(() => ipam.get(CID(2), 'eth0', '10.9.9.9')).toThrow('10.9.9.9 not in range set 10.244.0.1-10.244.0.254');
  });
});

describe('host-local allocation from a given store state (the cases host-local\'s own tests cover)', () => {
  // Each case: the files in the data dir (IP → owner) and last_reserved_ip, and the IP the next ADD gets.
  const cases: Array<{ name: string; taken: string[]; last?: string; expect: string }> = [
    { name: 'fresh start', taken: [], expect: '10.0.0.2' },
    { name: 'skips a taken first IP', taken: ['10.0.0.2'], expect: '10.0.0.3' },
    { name: 'next after the last reserved', taken: [], last: '10.0.0.5', expect: '10.0.0.6' },
    { name: 'skips taken ones after the last reserved', taken: ['10.0.0.4', '10.0.0.5'], last: '10.0.0.3', expect: '10.0.0.6' },
    { name: 'wraps to the beginning', taken: ['10.0.0.6'], last: '10.0.0.5', expect: '10.0.0.2' },
    { name: 'a last reserved IP outside the range is ignored', taken: ['10.0.0.2'], last: '10.0.0.128', expect: '10.0.0.3' },
    {
      name: 'full except the last reserved: wraps round to it',
      taken: ['10.0.0.2', '10.0.0.4', '10.0.0.5', '10.0.0.6'],
      last: '10.0.0.3',
      expect: '10.0.0.3',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const files: Record<string, string> = Object.fromEntries(c.taken.map((ip) => [ip, 'other\r\neth0']));
      if (c.last) files['last_reserved_ip.0'] = c.last;
      const ipam = HostLocalIpam.fromJSON({ network: 'crilab', dataDir: '/var/lib/cni/networks/crilab', files }, { subnet: '10.0.0.0/29' });
      expect(ipam.get('ID', 'eth0').address).toBe(`${c.expect}/29`);
    });
  }
});

describe('host-local release, check and persistence', () => {
  it('releases by (container, ifname); repeating DEL is harmless', () => {
    const ipam = new HostLocalIpam();
    ipam.get(CID(1), 'eth0');
    ipam.get(CID(2), 'eth0');
    expect(ipam.del(CID(1), 'eth0')).toEqual(['10.244.0.2']);
    expect(ipam.del(CID(1), 'eth0')).toEqual([]);
    expect(ipam.allocations()).toEqual([{ ip: '10.244.0.3', containerId: CID(2), ifName: 'eth0' }]);
  });

  it('CHECK fails with host-local\'s text when the container holds nothing', () => {
    const ipam = new HostLocalIpam();
    ipam.get(CID(1), 'eth0');
    expect(() => ipam.check(CID(1), 'eth0')).not.toThrow();
    expect(() => ipam.check(CID(9), 'eth0')).toThrow('host-local: Failed to find address added by container sandbox-9');
  });

  it('snapshots the data directory as host-local\'s files and restores it', () => {
    const ipam = new HostLocalIpam();
    ipam.get(CID(1), 'eth0');
    ipam.get(CID(2), 'eth0');
    ipam.del(CID(1), 'eth0');
    const snapshot = ipam.toJSON();
    expect(snapshot).toEqual({
      network: 'crilab',
      dataDir: '/var/lib/cni/networks/crilab',
      files: { '10.244.0.3': `${CID(2)}\r\neth0`, 'last_reserved_ip.0': '10.244.0.3' },
    });
    const restored = HostLocalIpam.fromJSON(JSON.parse(JSON.stringify(snapshot)));
    expect(restored.allocations()).toEqual(ipam.allocations());
    // Round-robin survives the restart: the next IP is .4, not the free .2.
    expect(restored.get(CID(3), 'eth0').address).toBe('10.244.0.4/24');
  });

  it('never hands out the same IP twice, nor the gateway, nor outside the range (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(20)), { maxLength: 80 }), (ops) => {
        const ipam = new HostLocalIpam({ subnet: '10.0.0.0/28' }); // .2–.14 usable
        const held = new Map<string, string>();
        for (const [alloc, n] of ops) {
          const id = CID(n);
          if (alloc && !held.has(id)) {
            try {
              const ip = ipam.get(id, 'eth0').address.split('/')[0] ?? '';
              expect([...held.values()]).not.toContain(ip);
              const last = Number(ip.split('.')[3]);
              expect(last).toBeGreaterThanOrEqual(2);
              expect(last).toBeLessThanOrEqual(14);
              held.set(id, ip);
            } catch (err) {
              expect(held.size).toBe(13);
              expect((err as Error).message).toBe('no IP addresses available in range set: 10.0.0.1-10.0.0.14');
            }
          } else if (!alloc) {
            ipam.del(id, 'eth0');
            held.delete(id);
          }
        }
        expect(ipam.freeCount()).toBe(13 - held.size);
      }),
    );
  });
});
