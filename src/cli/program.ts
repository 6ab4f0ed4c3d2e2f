import { Command } from 'commander';
import { crilabVersion } from './version.js';
import { runCommand } from './run.js';
import { runtimeCommand } from './runtime.js';
import { labCommand } from './lab.js';

/** crilab's command line: one file per subcommand, registered here. */
export function buildProgram(): Command {
  const program = new Command('crilab')
    .description('Watch a Kubernetes node run pods: the kubelet, the CRI over gRPC, the runtime, the pause container and the pod network.')
    .version(crilabVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)');
  program.addCommand(runCommand());
  program.addCommand(runtimeCommand());
  program.addCommand(labCommand());
  return program;
}
