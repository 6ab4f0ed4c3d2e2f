/**
 * Options shared by several commands. This module is loaded for every `crilab` invocation (the
 * commands' definitions need it for --help), so it imports nothing but commander.
 */
import { Option } from 'commander';
import { CliError, EXIT_BAD_INPUT } from './exit-codes.js';

export function useColor(stream: NodeJS.WriteStream): boolean {
  return !process.env['NO_COLOR'] && stream.isTTY === true;
}

export function backendOption(): Option {
  return new Option('-b, --backend <backend>', 'which runtime the kubelet drives').choices(['sim', 'containerd', 'auto']).default('sim');
}

export function seedOption(): Option {
  return new Option('--seed <n>', "override the scenario's seed (names, IDs, digests)").argParser((v) => {
    if (!/^\d+$/.test(v)) throw new CliError(`--seed must be a whole number, got "${v}"`, EXIT_BAD_INPUT);
    return Number(v);
  });
}

export function castOption(): Option {
  return new Option('--cast <file>', 'also write the transcript as an asciinema v2 cast (idle time compressed; see docs/recordings.md)');
}
