/**
 * containerd 1.6 config (version 2) of the lab's private instance, and the hosts.toml files
 * that send image pulls to the lab's registry. Every path containerd would otherwise take from
 * its defaults (/var/lib/containerd, /run/containerd, /opt/containerd, /etc/cni/net.d…) is set.
 */
import { CNI_BIN_DIR, REGISTRY_HOST, type LabPaths } from './paths.js';
import { MIRRORED_REGISTRIES, SANDBOX_IMAGE } from './images.js';

export type Snapshotter = 'overlayfs' | 'native';

/** TOML basic string (JSON escaping is a subset TOML accepts for our paths). */
const q = (s: string) => JSON.stringify(s);

export function containerdConfigToml(p: LabPaths, opts: { snapshotter: Snapshotter }): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return `# containerd config of the crilab lab, written by \`crilab lab up\`; \`crilab lab down\` removes it.
version = 2
root = ${q(p.root)}
state = ${q(p.state)}
oom_score = 0
# snapshotters we do not use; aufs would also try to load a kernel module
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
]

[grpc]
  address = ${q(p.socket)}
  uid = 0
  gid = 0

[ttrpc]
  address = ${q(p.ttrpcSocket)}

[debug]
  address = ${q(p.debugSocket)}
  level = "info"

[metrics]
  address = ""

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = ${q(p.opt)}

  [${cri}]
    sandbox_image = ${q(SANDBOX_IMAGE)}
    # runc cannot lower oom_score_adj below ours on these machines (see docs): cap it instead
    restrict_oom_score_adj = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_tls_streaming = false
    disable_tcp_service = true

    [${cri}.containerd]
      snapshotter = ${q(opts.snapshotter)}
      default_runtime_name = "runc"

      [${cri}.containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"

        [${cri}.containerd.runtimes.runc.options]
          Root = ${q(p.runcRoot)}

    [${cri}.cni]
      bin_dir = ${q(CNI_BIN_DIR)}
      conf_dir = ${q(p.cniConfDir)}
      max_conf_num = 1

    [${cri}.registry]
      config_path = ${q(p.certsDir)}
`;
}

/**
 * hosts.toml of one registry name: served by the lab registry over plain HTTP, nothing else.
 * containerd 1.6 needs a `[host."…"]` table (without one it rejects the file and falls back to
 * the real registry), and `server` must be set too (left empty, it is appended as the real
 * registry after the hosts). Both name the local registry.
 */
export function hostsToml(registryPort: number): string {
  const url = `http://${REGISTRY_HOST}:${registryPort}`;
  return `# written by \`crilab lab up\`: pulls go to the lab's local registry (plain HTTP, loopback only)
server = ${q(url)}
capabilities = ["pull", "resolve"]

[host.${q(url)}]
  capabilities = ["pull", "resolve"]
`;
}

/**
 * hosts.toml directories: the registries the images name, the local registry itself, and
 * `_default` so that any other registry name also resolves to loopback (the lab never sends
 * a pull, or a DNS lookup for one, off the machine).
 */
export function hostsFiles(registryPort: number): Record<string, string> {
  const names = [...MIRRORED_REGISTRIES, `${REGISTRY_HOST}:${registryPort}`, '_default'];
  return Object.fromEntries(names.map((n) => [n, hostsToml(registryPort)]));
}
