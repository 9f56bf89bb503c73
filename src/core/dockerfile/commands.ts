/** Package-manager and program invocations found in RUN scripts. */
import { DockerfileModel, RunCommand, Stage } from './model';
import { ShellCommand, ShellWord, basename, programWords } from './shell';

/** A program invocation inside a RUN. */
export interface Invocation {
  run: RunCommand;
  command: ShellCommand;
  /** Words from the program on (assignments and wrappers such as `sudo` skipped). */
  words: ShellWord[];
  program: string;
}

/** A package-manager invocation: `apt-get -y install curl`. */
export interface PackageInvocation extends Invocation {
  /** The subcommand word (`install`, `add`, `update`), when found. */
  action?: ShellWord;
  actionIndex: number;
  /** Option words anywhere in the command. */
  options: ShellWord[];
  /** Operands after the action that are not options or option values: package names. */
  operands: ShellWord[];
}

export const PACKAGE_MANAGERS = new Set(['apt-get', 'apt', 'apk', 'yum', 'dnf', 'microdnf', 'zypper']);

/** Options that take the next word as their value, per manager. */
const VALUE_OPTIONS: Record<string, Set<string>> = {
  'apt-get': new Set(['-o', '--option', '-t', '--target-release', '--default-release', '-c', '--config-file', '-a', '--host-architecture']),
  apt: new Set(['-o', '--option', '-t', '--target-release', '-c', '--config-file']),
  apk: new Set(['-X', '--repository', '-p', '--root', '--arch', '-t', '--virtual', '--keys-dir', '--repositories-file', '--cache-dir']),
  yum: new Set(['-c', '--config', '--installroot', '--releasever', '-d', '--debuglevel', '-e', '--errorlevel', '--setopt', '-x', '--exclude', '--enablerepo', '--disablerepo']),
  dnf: new Set(['-c', '--config', '--installroot', '--releasever', '-d', '--debuglevel', '-e', '--errorlevel', '--setopt', '-x', '--exclude', '--enablerepo', '--disablerepo', '--repo']),
  microdnf: new Set(['--setopt', '--enablerepo', '--disablerepo', '--installroot', '--releasever', '--config']),
  zypper: new Set(['-r', '--repo', '--root', '-R', '--from', '-t', '--type']),
};

/** Every program invocation of every RUN in the given stages (all stages when omitted). */
export function invocations(model: DockerfileModel, stages?: readonly Stage[]): Invocation[] {
  let all = model.memo.invocations as Invocation[] | undefined;
  if (!all) model.memo.invocations = all = computeInvocations(model);
  if (!stages) return all;
  const wanted = new Set(stages);
  return all.filter((i) => wanted.has(i.run.stage));
}

function computeInvocations(model: DockerfileModel): Invocation[] {
  const out: Invocation[] = [];
  for (const run of model.runs) for (const inv of run.invocations) out.push(inv);
  return out;
}

/**
 * The program invocations of one RUN. The model computes them right after splitting the script,
 * while its words are still in the processor's cache.
 */
export function runInvocations(run: RunCommand): Invocation[] {
  const out: Invocation[] = [];
  for (const command of run.shell.commands) {
    const words = programWords(command);
    if (!words.length) continue;
    out.push({ run, command, words, program: basename(words[0].text) });
  }
  return out;
}

/** The package-manager invocations among a RUN's invocations, analysed (same reason as runInvocations). */
export function runPackageInvocations(invocations: readonly Invocation[]): PackageInvocation[] {
  let out: PackageInvocation[] | undefined;
  for (const inv of invocations) if (PACKAGE_MANAGERS.has(inv.program)) (out ??= []).push(analysePackageCommand(inv));
  return out ?? NO_PACKAGES;
}

/** Shared by every RUN that runs no package manager. */
const NO_PACKAGES: PackageInvocation[] = Object.freeze([]) as never;

/** Package-manager invocations with their action and operands. */
export function packageInvocations(model: DockerfileModel, stages?: readonly Stage[]): PackageInvocation[] {
  let all = model.memo.packageInvocations as PackageInvocation[] | undefined;
  if (!all) {
    all = [];
    for (const run of model.runs) for (const p of run.packageInvocations) all.push(p);
    model.memo.packageInvocations = all;
  }
  if (!stages) return all;
  const wanted = new Set(stages);
  return all.filter((i) => wanted.has(i.run.stage));
}

function analysePackageCommand(inv: Invocation): PackageInvocation {
  const valueOptions = VALUE_OPTIONS[inv.program];
  const options: ShellWord[] = [];
  const operands: ShellWord[] = [];
  let action: ShellWord | undefined;
  let actionIndex = -1;
  const w = inv.words;
  for (let i = 1; i < w.length; i++) {
    const text = w[i].text;
    if (text.startsWith('-') && text.length > 1) {
      options.push(w[i]);
      if (valueOptions?.has(text) && !text.includes('=')) i++;
      continue;
    }
    if (!action) {
      action = w[i];
      actionIndex = i;
    } else operands.push(w[i]);
  }
  return { run: inv.run, command: inv.command, words: inv.words, program: inv.program, action, actionIndex, options, operands };
}

/** Whether the invocation has a short flag letter (`-y`, `-qy`) or one of the long options. */
export function hasFlag(inv: PackageInvocation, letter: string | undefined, long: readonly string[]): boolean {
  return inv.options.some((o) => {
    const t = o.text;
    if (t.startsWith('--')) return long.includes(t.split('=')[0]);
    return letter !== undefined && /^-[A-Za-z]+$/.test(t) && t.slice(1).includes(letter);
  });
}

/**
 * Whether the RUN mounts a cache or a tmpfs on `path` or on a directory above it
 * (`--mount=type=cache,target=/var/cache/apk`; `dst=` and `destination=` too): what the step
 * writes there stays out of the layer.
 */
export function mountsOutsideLayer(run: RunCommand, path: string): boolean {
  for (const f of run.flags) {
    if (f.getName().toLowerCase() !== 'mount') continue;
    let type = 'bind';
    let target: string | undefined;
    for (const part of (f.getValue() ?? '').split(',')) {
      const eq = part.indexOf('=');
      if (eq < 0) continue;
      const key = part.slice(0, eq).trim().toLowerCase();
      const value = part.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, '$2');
      if (key === 'type') type = value.toLowerCase();
      else if (key === 'target' || key === 'dst' || key === 'destination') target = value;
    }
    if ((type !== 'cache' && type !== 'tmpfs') || !target) continue;
    const dir = target.replace(/\/+$/, '') || '/';
    if (path === dir || path.startsWith(dir + '/')) return true;
  }
  return false;
}

/** `apt-get install -s` (`--simulate`, `--dry-run`…): prints what would happen, installs nothing. */
export function isSimulation(p: PackageInvocation): boolean {
  return (p.program === 'apt-get' || p.program === 'apt') && hasFlag(p, 's', ['--simulate', '--just-print', '--dry-run', '--recon', '--no-act']);
}

/** Install-like actions per manager. */
export function isInstallAction(program: string, action: string | undefined): boolean {
  if (!action) return false;
  switch (program) {
    case 'apk':
      return action === 'add';
    case 'zypper':
      return action === 'install' || action === 'in';
    default:
      return action === 'install';
  }
}
