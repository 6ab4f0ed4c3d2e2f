/**
 * The busybox whose behaviour the shell copies: the lab's images are built from Debian 12's
 * busybox-static 1.35.0 (see /work/shared/CONTAINERD-NOTES.md), so usage texts carry its banner.
 */
export const BUSYBOX_BANNER = 'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.';
