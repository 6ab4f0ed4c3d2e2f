/**
 * The lab's CNI network: a Linux bridge `crilab0` (the gateway, no masquerading, hairpin on)
 * with host-local IPAM on 10.244.0.0/24 whose data lives in the lab dir, then loopback.
 * The simulated runtime's IPAM mirrors host-local: the first pod gets 10.244.0.2.
 */
import { LAB_NETWORK } from './paths.js';

export const CNI_VERSION = '1.0.0';

export function cniConfList(opts: { ipamDataDir: string }): object {
  return {
    cniVersion: CNI_VERSION,
    name: LAB_NETWORK.name,
    plugins: [
      {
        type: 'bridge',
        bridge: LAB_NETWORK.bridge,
        isGateway: true,
        // no NAT: pods talk to the host and each other only; no iptables rules are created
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: LAB_NETWORK.subnet, gateway: LAB_NETWORK.gateway }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: opts.ipamDataDir,
        },
      },
      { type: 'loopback' },
    ],
  };
}

export function cniConfListText(opts: { ipamDataDir: string }): string {
  return `${JSON.stringify(cniConfList(opts), null, 2)}\n`;
}
