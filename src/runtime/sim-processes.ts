import { join } from 'node:path';
import type { Clock } from '../clock/clock.js';
import type { TraceEmitter } from '../trace/bus.js';
import { CriLogWriter } from './container-log.js';
import { podPidNamespace } from './container-status.js';
import type { RuntimeProcesses } from './runtime-context.js';
import { createContainerFs, EntrypointError, programFile, startProcess, type SimProcess } from './shell/index.js';
import type { ContainerRecord, SandboxRecord } from './store.js';
import { OverlayFs } from './overlay-fs.js';

/**
 * Process management for the simulated runtime: the pause container of each sandbox and the
 * main process of each container, run by the shell interpreter on the clock. A container's
 * output goes to its CRI log file (under `logRoot`, at the path the kubelet asked for) and,
 * line by line, to the trace.
 */
export class SimProcesses implements RuntimeProcesses {
  /** The pause image's one file, shared by every sandbox. */
  private readonly pauseLayer = createContainerFs({ '/pause': programFile('pause') });

  constructor(
    private readonly clock: Clock,
    private readonly trace: TraceEmitter | undefined,
    private readonly logRoot: string,
  ) {}

  startPause(sandbox: SandboxRecord): SimProcess {
    // The pause binary: sleeps until a signal, exits 0 on SIGTERM/SIGINT (build/pause/linux/pause.c).
    const fs = new OverlayFs(this.pauseLayer, sandbox.files);
    return this.clock.detached(() => startProcess({ argv: ['/pause'], env: {}, fs, clock: this.clock, pid1: true, onOutput: () => undefined }));
  }

  reopenLog(c: ContainerRecord): void {
    c.log?.reopen();
  }

  async startContainer(c: ContainerRecord, _sandbox: SandboxRecord): Promise<SimProcess> {
    const log = c.logPath ? new CriLogWriter({ path: join(this.logRoot, c.logPath), clock: this.clock, onLine: (stream, rec) => this.trace?.emit({ kind: 'container.output', containerId: c.id, stream, line: rec.content }) }) : undefined;
    c.log = log;
    try {
      return this.clock.detached(() =>
        startProcess({
          argv: c.argv,
          env: c.env,
          fs: c.fs,
          clock: this.clock,
          // PID 1 of its own namespace (mode CONTAINER, what the kubelet sends), or a plain
          // process in the pod's shared namespace, where pause is PID 1 (mode POD, the proto default).
          pid1: !podPidNamespace(c),
          cwd: c.workingDir,
          onOutput: (stream, data) => {
            log?.write(stream, data);
            // Attach sessions see the output as it is written.
            if (c.outputListeners.size > 0) for (const listen of c.outputListeners) listen(stream, data);
          },
        }),
      );
    } catch (err) {
      await log?.close();
      c.log = undefined;
      if (err instanceof EntrypointError) throw new Error(err.message);
      throw err;
    }
  }
}
