import { promises as fs } from 'fs';
import * as path from 'path';
import { CONFIG_FILE_NAME, parseConfigText, Profile, ShipshapeConfig } from '../core';
import { CliIO, UsageError } from './io';

/**
 * Reads the configuration: `--config FILE` when given (must exist), else `.shipshape.yaml` in the
 * working directory when present, else defaults. Problems in the file are printed as warnings.
 */
export async function loadCliConfig(io: CliIO, configPath: string | undefined, profile: string | undefined): Promise<ShipshapeConfig> {
  const file = configPath ? path.resolve(io.cwd, configPath) : path.join(io.cwd, CONFIG_FILE_NAME);
  let text: string | undefined;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if (configPath) throw new UsageError(`cannot read config ${configPath}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { config, problems } = text === undefined ? { config: parseConfigText('').config, problems: [] } : parseConfigText(text);
  for (const p of problems) io.stderr(`shipshape: warning: ${path.relative(io.cwd, file) || file}: ${p}\n`);
  if (profile !== undefined) {
    if (!['baseline', 'restricted', 'all'].includes(profile)) throw new UsageError(`--profile must be baseline, restricted or all (got '${profile}')`);
    config.profile = profile as Profile;
  }
  return config;
}
