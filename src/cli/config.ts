import * as path from 'path';
import { CONFIG_FILE_NAME, parseConfigText, Profile, ShipshapeConfig } from '../core';
import { MAX_CONFIG_BYTES } from '../core/limits';
import { CliIO, FileAccessError, fileProblemText, readInputFile, UsageError } from './io';
import { frag, localize } from '../core/l10n';
import { say } from './l10n';
import { forTerminalLines } from './sanitize';

/**
 * Reads the configuration: `--config FILE` when given (must exist), else `.shipshape.yaml` in the
 * working directory when present, else defaults. Only a regular file of at most 1 MiB is read
 * (a FIFO named `.shipshape.yaml` would otherwise hang the run). Problems in the file are printed
 * as warnings.
 */
export async function loadCliConfig(io: CliIO, configPath: string | undefined, profile: string | undefined): Promise<ShipshapeConfig> {
  const file = configPath ? path.resolve(io.cwd, configPath) : path.join(io.cwd, CONFIG_FILE_NAME);
  const shown = path.relative(io.cwd, file) || file;
  const locale = io.locale ?? 'en';
  let text: string | undefined;
  try {
    text = await readInputFile(io, file, MAX_CONFIG_BYTES);
  } catch (e) {
    if (configPath) throw new UsageError(frag('cli.config.cannot-read', 'cannot read config {problem}', { problem: fileProblemText(configPath, e) }));
    // A missing .shipshape.yaml means defaults; one we refuse to read is worth a word.
    if (!(e instanceof FileAccessError && e.code === 'NOT_FOUND')) io.stderr(`shipshape: ${forTerminalLines(say(locale, frag('cli.config.not-reading', 'warning: not reading {problem}', { problem: fileProblemText(shown, e) })))}\n`);
  }
  const { config, problems, problemTexts } = text === undefined ? { config: parseConfigText('').config, problems: [], problemTexts: undefined } : parseConfigText(text);
  problems.forEach((p, i) => {
    const problem = forTerminalLines(localize(problemTexts?.[i], p, locale));
    io.stderr(`shipshape: ${say(locale, frag('cli.config.warning', 'warning: {file}: {problem}', { file: shown, problem }))}\n`);
  });
  if (profile !== undefined) {
    if (!['baseline', 'restricted', 'all'].includes(profile)) throw new UsageError(frag('cli.profile.expects', "--profile must be baseline, restricted or all (got '{value}')", { value: profile }));
    config.profile = profile as Profile;
  }
  return config;
}
