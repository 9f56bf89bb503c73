import { CliCommand } from '../io';
import { checkCommand } from './check';
import { fixCommand } from './fix';
import { signCommand } from './sign';
import { verifyCommand } from './verify';
import { policyCommand } from './policy';
import { scanCommand } from './scan';
import { ciCommand } from './ci';
import { inspectCommand } from './inspect';
import { lspCommand } from './lsp';

/** Every subcommand, in the order `--help` lists them. Each lives in its own module. */
export const COMMANDS: CliCommand[] = [
  checkCommand,
  fixCommand,
  scanCommand,
  inspectCommand,
  signCommand,
  verifyCommand,
  policyCommand,
  ciCommand,
  lspCommand,
];
