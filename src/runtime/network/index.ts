export * from './cni-bridge.js';
export * from './ipam-host-local.js';
export * from './netns.js';
export * from './pod-network.js';
export { formatIpv4, parseIpv4 } from './ipv4.js';
