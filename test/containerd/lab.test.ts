/**
 * `crilab lab up|down|status`.
 *
 * The first block needs nothing (config generators, image building, parsers). The second
 * needs the real lab: Debian, root, apt — it skips with the reason elsewhere, and fails
 * instead when CRILAB_REQUIRE_CONTAINERD=1. Its last tests take the lab down and check that
 * nothing of it is left on the host; if the lab was up before, they bring it back up.
 */
import { gunzipSync } from 'node:zlib';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cniConfList } from '../../src/backends/containerd/lab/cni-config.js';
import { containerdConfigToml, hostsFiles, hostsToml } from '../../src/backends/containerd/lab/containerd-config.js';
import { labDown } from '../../src/backends/containerd/lab/down.js';
import { preflight } from '../../src/backends/containerd/lab/host.js';
import { LAB_IMAGES, PAUSE_SCRIPT } from '../../src/backends/containerd/lab/images.js';
import { labDirProblem } from '../../src/backends/containerd/lab/layout.js';
import { isLabRule, parseIptablesSave, splitRule } from '../../src/backends/containerd/lab/network.js';
import { buildImage, elfHasInterpreter, ociPlatform, type BusyboxInfo } from '../../src/backends/containerd/lab/oci-image.js';
import { LAB_NETWORK, labPaths, labSocketPath, socketPathProblems } from '../../src/backends/containerd/lab/paths.js';
import { readLabState } from '../../src/backends/containerd/lab/state.js';
import { labStatus } from '../../src/backends/containerd/lab/status.js';
import { labUp } from '../../src/backends/containerd/lab/up.js';
import { pidAlive } from '../../src/backends/containerd/lab/process.js';
import {
  criOnLab,
  exclusiveLab,
  forgetLab,
  ipForward,
  ipLinks,
  iptablesLinesForLab,
  labUnavailableReason,
  mountPointsUnder,
  netnsNames,
  podSandboxConfig,
  processesMentioning,
  releaseLab,
  REQUIRE_CONTAINERD,
  skipOrFail,
  useLab,
  type LabAvailability,
} from './helpers.js';

/* ------------------------------------------------------------------ */
/* no lab needed                                                       */
/* ------------------------------------------------------------------ */

const fakeBusybox: BusyboxInfo = {
  path: '/fake/busybox',
  version: '0.0.0',
  applets: ['echo', 'sh', 'sleep'],
  binary: Buffer.from('not really busybox'),
};

async function untar(gz: Buffer) {
  const entries: { name: string; type: string; mode: number; mtime: number; linkname: string | null; uid: number; size: number }[] = [];
  const ex = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, stream, next) => {
      entries.push({ name: h.name.replace(/\/$/, ''), type: h.type ?? '', mode: h.mode ?? 0, mtime: h.mtime?.getTime() ?? 0, linkname: h.linkname ?? null, uid: h.uid ?? 0, size: h.size ?? 0 });
      stream.on('end', next);
      stream.resume();
    });
    ex.on('finish', () => resolve());
    ex.on('error', reject);
  });
  ex.end(gunzipSync(gz));
  await done;
  return entries;
}

describe('lab building blocks', () => {
  const p = labPaths('/var/lib/crilab/lab');

  it('keeps the socket where other code finds it, short enough for sun_path', () => {
    expect(labSocketPath('/var/lib/crilab/lab')).toBe('/var/lib/crilab/lab/containerd.sock');
    expect(socketPathProblems(p)).toEqual([]);
    expect(socketPathProblems(labPaths(`/tmp/${'x'.repeat(120)}`)).length).toBeGreaterThan(0);
  });

  it('writes a containerd config that sets every path and the settings these machines need', () => {
    const toml = containerdConfigToml(p, { snapshotter: 'overlayfs' });
    expect(toml).toContain('version = 2');
    expect(toml).toContain('restrict_oom_score_adj = true');
    expect(toml).toContain('sandbox_image = "registry.k8s.io/pause:3.6"');
    expect(toml).toContain(`address = "${p.socket}"`);
    expect(toml).toContain(`root = "${p.root}"`);
    expect(toml).toContain(`state = "${p.state}"`);
    expect(toml).toContain(`config_path = "${p.certsDir}"`);
    expect(toml).toContain('bin_dir = "/usr/lib/cni"');
    expect(toml).toContain(`conf_dir = "${p.cniConfDir}"`);
    expect(toml).toContain('snapshotter = "overlayfs"');
    // nothing may default to the host's containerd
    expect(toml).not.toMatch(/\/run\/containerd|\/var\/lib\/containerd|\/etc\/cni|\/opt\/c/);
  });

  it('sends every registry name to the local registry only (server and a [host] table)', () => {
    const files = hostsFiles(5055);
    expect(Object.keys(files).sort()).toEqual(['127.0.0.1:5055', '_default', 'docker.io', 'registry.k8s.io']);
    const t = hostsToml(5055);
    expect(t).toContain('server = "http://127.0.0.1:5055"');
    expect(t).toContain('[host."http://127.0.0.1:5055"]');
    expect(t).toContain('capabilities = ["pull", "resolve"]');
    expect(t).not.toMatch(/https:|docker\.io|registry-1/);
  });

  it('writes a CNI bridge + host-local conflist on the lab CIDR with IPAM data in the lab dir', () => {
    const c = cniConfList({ ipamDataDir: p.ipamDataDir }) as any;
    expect(c.name).toBe('crilab');
    expect(c.plugins.map((x: any) => x.type)).toEqual(['bridge', 'loopback']);
    const b = c.plugins[0];
    expect(b).toMatchObject({ bridge: 'crilab0', isGateway: true, ipMasq: false, hairpinMode: true });
    expect(b.ipam).toMatchObject({ type: 'host-local', dataDir: p.ipamDataDir, ranges: [[{ subnet: '10.244.0.0/24', gateway: '10.244.0.1' }]] });
  });

  it('builds byte-reproducible OCI images (sorted entries, fixed mtimes, stable gzip)', async () => {
    const img = LAB_IMAGES.find((i) => i.kind === 'busybox')!;
    const a = await buildImage(img, fakeBusybox, 'x64');
    const b = await buildImage(img, { ...fakeBusybox, binary: Buffer.from(fakeBusybox.binary) }, 'x64');
    expect(a.manifest.digest).toBe(b.manifest.digest);
    const layer = a.layers[0]!.data;
    expect(layer[3]! & 0x08).toBe(0); // no FNAME in the gzip header
    expect(layer.readUInt32LE(4)).toBe(0); // no MTIME
    const entries = await untar(layer);
    const names = entries.map((e) => e.name);
    expect(names).toEqual([...names].sort());
    expect(new Set(entries.map((e) => e.mtime)).size).toBe(1);
    expect(entries.every((e) => e.uid === 0)).toBe(true);
    expect(entries.find((e) => e.name === 'bin/sh')).toMatchObject({ type: 'symlink', linkname: 'busybox' });
    expect(entries.find((e) => e.name === 'bin/busybox')).toMatchObject({ type: 'file', mode: 0o755 });
    expect(entries.find((e) => e.name === 'tmp')?.mode).toBe(0o1777);
    expect(names).toEqual(expect.arrayContaining(['etc/passwd', 'etc/group', 'proc', 'sys', 'dev']));
    const config = JSON.parse(a.config.data.toString());
    expect(config).toMatchObject({ architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] } });
    expect(config.config.Entrypoint).toBeUndefined();
    expect(config.config.Env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
    expect(config.rootfs.diff_ids).toEqual(a.diffIds);
    const manifest = JSON.parse(a.manifest.data.toString());
    expect(manifest).toMatchObject({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
    expect(manifest.layers[0]).toMatchObject({ digest: a.layers[0]!.digest, size: a.layers[0]!.size, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' });
  });

  it('builds a pause image whose entrypoint traps SIGTERM and SIGINT', async () => {
    const pause = await buildImage(LAB_IMAGES.find((i) => i.kind === 'pause')!, fakeBusybox, 'arm64');
    const config = JSON.parse(pause.config.data.toString());
    expect(config.architecture).toBe('arm64');
    expect(config.config.Entrypoint).toEqual(['/pause']);
    const entries = await untar(pause.layers[0]!.data);
    expect(entries.find((e) => e.name === 'pause')).toMatchObject({ type: 'file', mode: 0o755 });
    expect(PAUSE_SCRIPT).toMatch(/^#!\/bin\/sh\n/);
    expect(PAUSE_SCRIPT).toMatch(/trap '.*exit 0' TERM INT/);
  });

  it('maps Node architectures to OCI ones', () => {
    expect(ociPlatform('x64')).toEqual({ architecture: 'amd64' });
    expect(ociPlatform('arm64')).toEqual({ architecture: 'arm64' });
    expect(ociPlatform('arm')).toEqual({ architecture: 'arm', variant: 'v7' });
    expect(ociPlatform('ia32')).toEqual({ architecture: '386' });
    expect(ociPlatform('s390x')).toEqual({ architecture: 's390x' });
  });

  it.runIf(process.platform === 'linux')('tells static from dynamic ELF binaries', () => {
    const head = Buffer.alloc(8192);
    const fd = fs.openSync(process.execPath, 'r');
    fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    expect(elfHasInterpreter(head)).toBe(true); // node is dynamically linked; its program headers come first
    expect(elfHasInterpreter(Buffer.from('#!/bin/sh\n'))).toBe(false);
  });

  it('finds the lab iptables rules and splits them like a shell', () => {
    const save = [
      '*nat',
      ':POSTROUTING ACCEPT [0:0]',
      ':CNI-abc - [0:0]',
      '-A POSTROUTING -s 10.244.0.5/32 -m comment --comment "name: \\"crilab\\" id: \\"123\\"" -j CNI-abc',
      '-A CNI-abc -d 10.244.0.0/24 -m comment --comment "name: \\"crilab\\" id: \\"123\\"" -j ACCEPT',
      '-A POSTROUTING -s 10.88.0.0/16 -j MASQUERADE',
      'COMMIT',
    ].join('\n');
    const { rules } = parseIptablesSave(save);
    expect(rules.filter(isLabRule).map((r) => r.chain)).toEqual(['POSTROUTING', 'CNI-abc']);
    expect(rules[0]!.jump).toBe('CNI-abc');
    expect(splitRule('-A X -m comment --comment "name: \\"crilab\\" id: \\"1\\"" -j Y')).toEqual([
      '-A', 'X', '-m', 'comment', '--comment', 'name: "crilab" id: "1"', '-j', 'Y',
    ]);
  });

  it('says in one line what to install by hand when not on Debian or not root', () => {
    const mac = preflight({ platform: 'darwin', debian: false, uid: 501 });
    expect(mac.ok).toBe(false);
    expect(mac.message).toMatch(/^lab: this machine is not Linux \(darwin\); install by hand containerd >= 1\.6.*runc.*CNI plugins.*busybox.*registry/);
    const fedora = preflight({ platform: 'linux', debian: false, uid: 0 });
    expect(fedora.message).toMatch(/not Debian/);
    const user = preflight({ platform: 'linux', debian: true, uid: 1000 });
    expect(user.message).toMatch(/^lab: must run as root.*sudo.*install by hand containerd/);
    for (const m of [mac.message, fedora.message, user.message]) expect(m).not.toContain('\n');
    expect(preflight({ platform: 'linux', debian: true, uid: 0 }).ok).toBe(true);
  });

  it('refuses to use or delete directories that are not its own', () => {
    expect(labDirProblem('/')).toBeDefined();
    expect(labDirProblem('/var/lib')).toBeDefined();
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'crilab-labdir-'));
    try {
      expect(labDirProblem(d)).toBeUndefined();
      fs.writeFileSync(path.join(d, 'thesis.tex'), 'precious');
      expect(labDirProblem(d)).toMatch(/not a crilab lab dir/);
      fs.writeFileSync(path.join(d, 'lab.json'), '{}');
      expect(labDirProblem(d)).toBeUndefined();
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});

/* ------------------------------------------------------------------ */
/* the real lab                                                        */
/* ------------------------------------------------------------------ */

const LAB_TIMEOUT = 10 * 60_000; // a first `up` may install packages
const unavailable = labUnavailableReason();

describe(`containerd lab${unavailable ? ` (unavailable: ${unavailable})` : ''}`, () => {
  let avail: LabAvailability = { ok: false, reason: unavailable ?? 'not started' };
  let wasUpBefore = false;

  beforeAll(async () => {
    if (unavailable) return;
    wasUpBefore = (await labStatus()).up;
    avail = await useLab();
  }, LAB_TIMEOUT);

  afterAll(() => releaseLab());

  const need = (ctx: { skip: (note?: string) => never }) => {
    if (!avail.ok) skipOrFail(ctx, avail.reason);
    return (avail as Extract<LabAvailability, { ok: true }>).lab;
  };

  it('is up, answers, and serves the images it built', async (ctx) => {
    const lab = need(ctx);
    const st = await labStatus();
    expect(st.up).toBe(true);
    expect(st.containerd.version).toMatch(/^1\.|^2\./);
    expect(st.socket).toBe(lab.socket);
    const state = readLabState(lab.paths.labJson)!;
    for (const img of st.images) {
      expect(img.inRegistry).toBe(true);
      expect(img.digest).toBe(state.images.find((i) => i.ref === img.ref)?.digest);
    }
    expect(fs.existsSync(lab.paths.cniConfList)).toBe(true);
  });

  it('`up` again detects the running instance and changes nothing', async (ctx) => {
    const lab = need(ctx);
    const before = readLabState(lab.paths.labJson)!;
    const lines: string[] = [];
    const again = await labUp({ log: (l) => lines.push(l) });
    expect(again.ok).toBe(true);
    expect(again.alreadyUp).toBe(true);
    expect(again.containerd?.pid).toBe(before.containerd?.pid);
    expect(lines.some((l) => /already running/.test(l))).toBe(true);
    expect(lines.filter((l) => /^lab: \[\d\/9\]/.test(l))).toHaveLength(9);
  }, LAB_TIMEOUT);

  it('runs a pod sandbox through CRI: pause image, IP from 10.244.0.0/24, real pull of busybox:1.36', async (ctx) => {
    const lab = need(ctx);
    const cri = await criOnLab(lab.socket);
    try {
      const config = podSandboxConfig(`lab-smoke-${process.pid}`);
      const { pod_sandbox_id: id } = await cri.call('RunPodSandbox', { config });
      try {
        const st = await cri.call('PodSandboxStatus', { pod_sandbox_id: id, verbose: true });
        expect(st.status.state).toBe('SANDBOX_READY');
        expect(st.status.network.ip).toMatch(/^10\.244\.0\.\d+$/);
        expect(JSON.parse(st.info.info).image).toBe('registry.k8s.io/pause:3.6');
        const pulled = await cri.call('PullImage', { image: { image: 'busybox:1.36' }, sandbox_config: config });
        expect(pulled.image_ref).toMatch(/^sha256:/);
        const { container_id } = await cri.call('CreateContainer', {
          pod_sandbox_id: id,
          sandbox_config: config,
          config: { metadata: { name: 'c', attempt: 0 }, image: { image: 'busybox:1.36' }, command: ['sh', '-c', 'exit 3'] },
        });
        await cri.call('StartContainer', { container_id });
        let status: any;
        for (let i = 0; i < 100; i++) {
          status = (await cri.call('ContainerStatus', { container_id })).status;
          if (status.state === 'CONTAINER_EXITED') break;
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(status).toMatchObject({ state: 'CONTAINER_EXITED', exit_code: 3, reason: 'Error' });
      } finally {
        await cri.call('StopPodSandbox', { pod_sandbox_id: id });
        await cri.call('RemovePodSandbox', { pod_sandbox_id: id });
      }
    } finally {
      cri.close();
    }
  }, 120_000);

  describe('`lab down` leaves nothing of the lab behind', () => {
    let releaseExclusive: (() => void) | undefined;
    const netnsBefore = new Set<string>();
    let ipForwardBefore = '';

    beforeAll(async () => {
      if (!avail.ok) return;
      releaseLab(); // we are about to take it down: stop counting ourselves as a user
      releaseExclusive = await exclusiveLab();
    }, LAB_TIMEOUT);

    afterAll(async () => {
      try {
        if (avail.ok && wasUpBefore) {
          forgetLab();
          await labUp({ log: () => {} });
        }
      } finally {
        releaseExclusive?.();
      }
    }, LAB_TIMEOUT);

    /** Brings the lab up from nothing and starts a pod so that a netns, a veth and mounts exist. */
    async function upWithAPod() {
      const down = await labDown({ log: () => {} });
      expect(down.ok).toBe(true);
      netnsBefore.clear();
      for (const n of netnsNames()) netnsBefore.add(n);
      ipForwardBefore = ipForward();
      const up = await labUp({ log: () => {} });
      expect(up.ok, up.failure?.reason).toBe(true);
      const cri = await criOnLab(up.paths.socket);
      try {
        const { pod_sandbox_id: id } = await cri.call('RunPodSandbox', { config: podSandboxConfig(`lab-down-${process.pid}`) });
        const st = await cri.call('PodSandboxStatus', { pod_sandbox_id: id, verbose: true });
        const pausePid = JSON.parse(st.info.info).pid as number;
        // the pod's traces really exist
        expect(netnsNames().filter((n) => !netnsBefore.has(n)).length).toBe(1);
        expect(ipLinks().filter((l) => l.master === LAB_NETWORK.bridge).length).toBe(1);
        expect(mountPointsUnder(up.paths.dir).length).toBeGreaterThan(0);
        expect(pidAlive(pausePid)).toBe(true);
        return { paths: up.paths, pausePid, containerdPid: up.containerd!.pid };
      } finally {
        cri.close();
      }
    }

    function expectNothingLeft(paths: ReturnType<typeof labPaths>, pausePid: number) {
      expect(processesMentioning(paths.dir)).toEqual([]); // containerd, registry, shims (-address <sock>)
      expect(pidAlive(pausePid)).toBe(false);
      expect(mountPointsUnder(paths.dir)).toEqual([]);
      expect(netnsNames().filter((n) => !netnsBefore.has(n))).toEqual([]);
      const links = ipLinks();
      expect(links.find((l) => l.ifname === LAB_NETWORK.bridge)).toBeUndefined();
      expect(links.filter((l) => l.master === LAB_NETWORK.bridge)).toEqual([]);
      expect(iptablesLinesForLab()).toEqual([]);
      expect(fs.existsSync(paths.dir)).toBe(false);
      expect(ipForward()).toBe(ipForwardBefore);
    }

    it('after a normal run (pods removed through CRI)', async (ctx) => {
      need(ctx);
      const { paths, pausePid } = await upWithAPod();
      const lines: string[] = [];
      const down = await labDown({ log: (l) => lines.push(l) });
      expect(down.ok, lines.join('\n')).toBe(true);
      expect(lines.filter((l) => /^lab: \[\d\/8\]/.test(l))).toHaveLength(8);
      expectNothingLeft(paths, pausePid);
      // twice is fine
      const again = await labDown({ log: () => {} });
      expect(again.ok).toBe(true);
      expect(again.found).toBe(false);
    }, LAB_TIMEOUT);

    it('after containerd died with a pod running (shims, pause, netns and veth cleaned up by hand)', async (ctx) => {
      need(ctx);
      const { paths, pausePid, containerdPid } = await upWithAPod();
      process.kill(containerdPid, 'SIGKILL');
      for (let i = 0; i < 50 && pidAlive(containerdPid); i++) await new Promise((r) => setTimeout(r, 50));
      const lines: string[] = [];
      const down = await labDown({ log: (l) => lines.push(l) });
      expect(down.ok, lines.join('\n')).toBe(true);
      expect(down.stopped.shims.length).toBeGreaterThan(0);
      expectNothingLeft(paths, pausePid);
    }, LAB_TIMEOUT);
  });
});

if (REQUIRE_CONTAINERD && unavailable) {
  describe('CRILAB_REQUIRE_CONTAINERD=1', () => {
    it('requires the containerd lab', () => {
      throw new Error(`CRILAB_REQUIRE_CONTAINERD=1 but ${unavailable}`);
    });
  });
}
