import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { formatBytes } from '../../core/inspect/analyzer';
import { ImageReport } from '../../core/inspect/types';
import { BuildInstruction, finalImageInstructions } from '../../core/inspect/history';
import { severityRank } from '../../core/model';
import { ArchiveError, inspectArchive, SaveError, withSavedImage } from '../../node/inspect';
import { parseFailOn } from './check';
import { CliCommand, CliIO, errorWords, EXIT, UsageError, fileProblemText, MAX_SOURCE_BYTES, parseCommandLine, readInputFile, withUsage } from '../io';
import { english, frag } from '../../core/l10n/text';
import { Locale, say, sayWords } from '../l10n';
import { escapeJsonControls, forTerminal } from '../sanitize';

const USAGE_TEXT = frag('cli.usage.inspect', `Usage: shipshape inspect IMAGE|ARCHIVE [options]

Looks inside a built image, layer by layer: a docker save tarball or an OCI image layout tarball
(gzip or uncompressed layers), or a local image saved with docker image save / podman image save.
Reports setuid/setgid files, shells, network tools and package managers left in the final
filesystem, credential files (also those a later layer deleted: every layer still ships),
world-writable files and the bytes wasted by files a later layer overwrites or deletes.

Options:
  --dockerfile FILE          map layers to the Dockerfile's instructions (default: a Dockerfile
                             beside the archive, or in the current directory for an image)
  --format text|json         output format (default: text)
  --fail-on SEVERITY         exit 1 when a finding is at or above: critical|high|medium|low|info|none (default: high)

An argument that names an existing file is read as an archive; anything else must be an image
reference, saved with docker (else podman) from SHIPSHAPE_DOCKER_PATH / SHIPSHAPE_PODMAN_PATH or PATH.
Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage, I/O, tool error
or an unsupported archive (zstd layers).`);
const USAGE = english(USAGE_TEXT);

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

const COLOURS: Record<string, string> = { critical: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };
const RESET = '\x1b[0m';

/** The report as text; every value read from the image goes through forTerminal before our colours. */
export function formatInspectText(report: ImageReport, colour: boolean, locale: Locale = 'en'): string {
  const paint = (sev: string, t: string): string => (colour ? `${COLOURS[sev] ?? ''}${t}${RESET}` : t);
  const nLayers = report.layers.length;
  const layers = nLayers === 1 ? frag('cli.inspect.layer-count', '{n} layer', { n: nLayers }) : frag('cli.inspect.layers-count', '{n} layers', { n: nLayers });
  let out = `${forTerminal(report.image)}: ${say(locale, layers)}\n`;
  for (const l of report.layers) {
    const from = l.instruction ? `  ${forTerminal(l.instruction.file)}:${l.instruction.line}` : '';
    const by = l.createdBy ? `  ${forTerminal(l.createdBy.replace(/\s+/g, ' ')).slice(0, 100)}` : '';
    out += `  ${String(l.index).padStart(3)}  ${formatBytes(l.size).padStart(9)}  ${forTerminal(l.digest).slice(0, 19)}${from}${by}\n`;
  }
  out += '\n';
  for (const f of report.findings) {
    const layer = say(locale, frag('cli.inspect.layer', 'layer {n}', { n: String(f.layer).padEnd(3) }));
    out += `  ${paint(f.severity, f.severity.toUpperCase().padEnd(8))} ${layer} ${forTerminal(f.ruleId)}  ${forTerminal(f.message)}\n`;
  }
  const n = report.findings.length;
  const found = n === 1 ? frag('cli.inspect.finding-count', '{n} finding', { n }) : frag('cli.inspect.findings-count', '{n} findings', { n });
  out += `${n ? '\n' : ''}${say(locale, found)}\n`;
  return out;
}

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'look inside a built image (archive or local image): layers, setuid files, secrets, wasted bytes',
  usage: USAGE,
  usageText: USAGE_TEXT,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandLine(args, {
      dockerfile: { type: 'string' },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string' },
    }, USAGE_TEXT);
    const format = values.format!;
    const locale = io.locale ?? 'en';
    if (!['text', 'json'].includes(format)) throw new UsageError(frag('cli.format.text-json', "--format must be text or json (got '{value}')", { value: forTerminal(format) }));
    const failOn = parseFailOn(values['fail-on']);
    if (positionals.length !== 1) throw new UsageError(withUsage(frag('cli.inspect.one-target', 'give one IMAGE or ARCHIVE'), USAGE_TEXT));
    const target = positionals[0];
    const archivePath = path.resolve(io.cwd, target);
    const isArchive = await isFile(archivePath);

    let dockerfile: { file: string; instructions: BuildInstruction[] } | undefined;
    const dockerfileName = values.dockerfile ?? path.join(isArchive ? path.dirname(archivePath) : io.cwd, 'Dockerfile');
    if (values.dockerfile !== undefined || (await isFile(path.resolve(io.cwd, dockerfileName)))) {
      try {
        const shown = values.dockerfile ?? path.relative(io.cwd, dockerfileName) ?? 'Dockerfile';
        dockerfile = { file: shown, instructions: finalImageInstructions(await readInputFile(io, dockerfileName, MAX_SOURCE_BYTES)) };
      } catch (e) {
        io.stderr(`shipshape: ${forTerminal(say(io.locale ?? 'en', fileProblemText(dockerfileName, e)))}\n`);
        return EXIT.usage;
      }
    }

    let report: ImageReport;
    try {
      if (isArchive) report = await inspectArchive(archivePath, { label: target, dockerfile, locale });
      else {
        report = await withSavedImage(target, {
          env: io.env,
          paths: { docker: io.env.SHIPSHAPE_DOCKER_PATH || undefined, podman: io.env.SHIPSHAPE_PODMAN_PATH || undefined },
        }, (file) => inspectArchive(file, { label: target, dockerfile, locale }));
      }
    } catch (e) {
      if (e instanceof ArchiveError || e instanceof SaveError) {
        const hint = e instanceof SaveError && e.code === 'INVALID_REF' ? say(locale, frag('cli.inspect.no-such-file', ' (and no file {file} exists)', { file: target })) : '';
        io.stderr(`shipshape: ${forTerminal(sayWords(locale, errorWords(e)))}${forTerminal(hint)}\n`);
        return EXIT.usage;
      }
      throw e;
    }

    if (format === 'json') io.stdout(`${escapeJsonControls(JSON.stringify(report, null, 2))}\n`);
    else io.stdout(formatInspectText(report, io.isTTY, locale));
    if (failOn === 'none') return EXIT.ok;
    const min = severityRank(failOn);
    return report.findings.some((f) => severityRank(f.severity) >= min) ? EXIT.findings : EXIT.ok;
  },
};
