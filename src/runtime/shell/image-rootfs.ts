import { APPLETS } from './applets/index.js';
import { programFile } from './programs/index.js';

const BASE_DIRS = ['/bin/', '/dev/', '/etc/', '/home/', '/proc/', '/root/', '/sys/', '/tmp/', '/usr/', '/var/'];

/**
 * A busybox image's files for createContainerFs: /bin/busybox plus a link per implemented
 * applet in /bin. The runtime gets image files from src/runtime/images; this is for tests and
 * for tools that need a container without an image store.
 */
export function busyboxRootfs(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const d of BASE_DIRS) files[d] = '';
  files['/bin/busybox'] = programFile('busybox');
  for (const name of Object.keys(APPLETS)) files[`/bin/${name}`] = programFile('busybox');
  files['/etc/passwd'] = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
  files['/etc/group'] = 'root:x:0:\nnobody:x:65534:\n';
  return files;
}
