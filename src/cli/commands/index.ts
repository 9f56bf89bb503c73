import { CliCommand } from '../io';
import { checkCommand } from './check';

/** Every subcommand, in the order `--help` lists them. Each lives in its own module. */
export const COMMANDS: CliCommand[] = [
  checkCommand,
];
