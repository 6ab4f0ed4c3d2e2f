import { Command } from 'commander';
import { crilabVersion } from './version.js';
import { runCommand } from './run.js';
import { recordCommand } from './record.js';
import { replayCommand } from './replay.js';
import { testCommand } from './test.js';
import { runtimeCommand } from './runtime.js';
import { kubeletCommand } from './kubelet.js';
import { labCommand } from './lab.js';
import { exerciseCommand } from './exercise.js';
import { playByDefault, playCommand } from './play.js';

/** crilab's command line: one file per subcommand, registered here. */
export function buildProgram(): Command {
  const program = new Command('crilab')
    .description('Watch a Kubernetes node run pods: the kubelet, the CRI over gRPC, the runtime, the pause container and the pod network.')
    .version(crilabVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)');
  program.addCommand(runCommand());
  program.addCommand(recordCommand());
  program.addCommand(replayCommand());
  program.addCommand(testCommand());
  program.addCommand(runtimeCommand());
  program.addCommand(kubeletCommand());
  program.addCommand(labCommand());
  program.addCommand(exerciseCommand());
  program.addCommand(playCommand());
  playByDefault(program);
  return program;
}
