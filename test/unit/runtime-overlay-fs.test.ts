import { describe, expect, it } from 'vitest';
import { OverlayFs } from '../../src/runtime/overlay-fs.js';
import { createContainerFs } from '../../src/runtime/shell/index.js';

describe('OverlayFs: an image layer shared read-only, a container layer on top', () => {
  const lower = () => createContainerFs({ '/bin/sh': 'SH', '/etc/os-release': 'busybox', '/etc/motd': 'hi', '/usr/share/doc/a': 'A' });

  it('reads through to the image, and writes stay in the container', () => {
    const base = lower();
    const a = new OverlayFs(base, { '/etc/hostname': 'a\n' });
    const b = new OverlayFs(base);
    a.write('/etc/motd', 'changed');
    a.write('/tmp/x/y', '1');
    a.write('/etc/motd', '!', true);
    expect(a.read('/etc/motd')).toBe('changed!');
    expect(b.read('/etc/motd')).toBe('hi');
    expect(base.read('/etc/motd')).toBe('hi');
    expect(a.read('/etc/hostname')).toBe('a\n');
    expect(b.exists('/etc/hostname')).toBe(false);
    expect(a.isDir('/tmp/x')).toBe(true);
    expect(a.list('/etc')).toEqual(['hostname', 'motd', 'os-release']);
    expect(a.read('/dev/null')).toBe('');
  });

  it('removal hides the image’s file (a whiteout); a re-made directory is opaque', () => {
    const fs = new OverlayFs(lower());
    expect(fs.remove('/etc/os-release')).toBe(true);
    expect(fs.exists('/etc/os-release')).toBe(false);
    expect(fs.list('/etc')).toEqual(['motd']);
    expect(fs.remove('/usr')).toBe(true);
    expect(fs.exists('/usr/share/doc/a')).toBe(false);
    fs.mkdir('/usr/share');
    expect(fs.list('/usr/share')).toEqual([]);
    expect(fs.read('/usr/share/doc/a')).toBeUndefined();
    fs.write('/usr/share/doc/b', 'B');
    expect(fs.list('/usr/share/doc')).toEqual(['b']);
    expect(fs.remove('/nope')).toBe(false);
    expect(fs.remove('/')).toBe(false);
  });
});
