import { assign, setup } from 'xstate';

/**
 * A pod's network namespace, as containerd's CRI plugin handles it in RunPodSandbox and
 * StopPodSandbox (pkg/cri/server/sandbox_run.go, sandbox_stop.go in 1.6): created and
 * bind-mounted under /var/run/netns before the pause container exists, configured by CNI ADD,
 * torn down by CNI DEL, then unmounted and removed. Its life is tied to the sandbox record,
 * not to the pause process: pause can die while the netns (and its IP) live on.
 */

export type NetnsState = 'absent' | 'created' | 'configured' | 'setup-failed' | 'torn-down' | 'removed';

export type NetnsEvent =
  /** `netns.NewNetNS`: the bind-mounted namespace file now exists. */
  | { type: 'CREATE'; path: string }
  /** CNI ADD returned a result with an address on eth0. */
  | { type: 'CNI_ADD_OK'; ip: string }
  /** CNI ADD failed; the namespace may hold half-configured links until DEL or removal. */
  | { type: 'CNI_ADD_FAILED'; message: string }
  /** CNI DEL ran: eth0 and its host-side veth are gone, the IP is back in the pool. */
  | { type: 'CNI_DEL' }
  /** `NetNS.Remove`: unmounted and the file deleted. */
  | { type: 'REMOVE' };

export interface NetnsContext {
  path: string | null;
  ip: string | null;
  lastError: string | null;
}

export const netnsMachine = setup({
  types: {
    context: {} as NetnsContext,
    events: {} as NetnsEvent,
  },
  actions: {
    recordPath: assign({
      path: ({ event }) => (event.type === 'CREATE' ? event.path : null),
    }),
    recordIp: assign({
      ip: ({ event, context }) => (event.type === 'CNI_ADD_OK' ? event.ip : context.ip),
      lastError: () => null,
    }),
    recordAddError: assign({
      lastError: ({ event, context }) => (event.type === 'CNI_ADD_FAILED' ? event.message : context.lastError),
    }),
    forgetIp: assign({ ip: () => null }),
  },
}).createMachine({
  id: 'netns',
  initial: 'absent',
  context: { path: null, ip: null, lastError: null },
  states: {
    absent: {
      on: { CREATE: { target: 'created', actions: 'recordPath' } },
    },
    created: {
      on: {
        CNI_ADD_OK: { target: 'configured', actions: 'recordIp' },
        CNI_ADD_FAILED: { target: 'setup-failed', actions: 'recordAddError' },
        // A RunPodSandbox step between netns creation and CNI ADD failed: nothing to DEL.
        REMOVE: { target: 'removed' },
      },
    },
    configured: {
      on: {
        CNI_DEL: { target: 'torn-down', actions: 'forgetIp' },
        // containerd always runs CNI DEL first; removing without it is how an IP leaks: the
        // kernel destroys the veth with the namespace, but host-local's file for the IP stays.
        REMOVE: { target: 'removed' },
      },
    },
    'setup-failed': {
      on: {
        // RunPodSandbox's rollback runs DEL even after a failed ADD (the plugin may have
        // allocated before failing) and ignores its errors.
        CNI_DEL: { target: 'torn-down', actions: 'forgetIp' },
        REMOVE: { target: 'removed' },
      },
    },
    'torn-down': {
      on: { REMOVE: { target: 'removed' } },
    },
    removed: { type: 'final' },
  },
});
