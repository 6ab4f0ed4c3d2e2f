/** Can this machine host the lab? Debian (apt) and root, on Linux. */
import fs from 'node:fs';

export const MANUAL_INSTALL_HINT =
  'install by hand containerd >= 1.6 (CRI plugin) with runc, the CNI plugins bridge, host-local and loopback, ' +
  'a static busybox and a Docker Distribution registry (on Debian as root `crilab lab up` does all this)';

export interface Preflight {
  ok: boolean;
  /** one line, ready to print, when not ok */
  message?: string;
  debian: boolean;
  root: boolean;
  linux: boolean;
}

/** What preflight looks at; tests pass their own. */
export interface HostFacts {
  platform: NodeJS.Platform;
  debian: boolean;
  uid: number | undefined;
}

export function hostFacts(): HostFacts {
  return {
    platform: process.platform,
    debian: fs.existsSync('/etc/debian_version'),
    uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
  };
}

export function preflight(facts: HostFacts = hostFacts()): Preflight {
  const linux = facts.platform === 'linux';
  const debian = linux && facts.debian;
  const root = facts.uid === 0;
  if (!linux || !debian) {
    const what = linux ? 'not Debian (no /etc/debian_version)' : `not Linux (${facts.platform})`;
    return { ok: false, debian, root, linux, message: `lab: this machine is ${what}; ${MANUAL_INSTALL_HINT}` };
  }
  if (!root) {
    return {
      ok: false,
      debian,
      root,
      linux,
      message: `lab: must run as root (it installs packages, starts containerd, creates network namespaces): run it with sudo, or ${MANUAL_INSTALL_HINT.replace(/ \(on Debian.*\)$/, '')}`,
    };
  }
  return { ok: true, debian, root, linux };
}

/** True when systemd is PID 1 (units may be started/enabled by package scripts). */
export function systemdRunning(): boolean {
  return fs.existsSync('/run/systemd/system');
}
