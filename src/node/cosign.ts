/**
 * Runs the user's cosign (and docker, to pin a tag to its digest). Arguments come from the pure
 * builders in core, which validated every value. The key password travels only in the child's
 * environment as COSIGN_PASSWORD: never in argv, and it is redacted from everything cosign prints
 * before that text reaches a callback, a log or an exception message.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import {
  DigestResolution,
  GenerateKeyPairOptions,
  KeyPairTranscript,
  SignOptions,
  SignTranscript,
  VerifyOptions,
  VerifyResult,
  dockerInspectArgs,
  generateKeyPairArgs,
  imagetoolsInspectArgs,
  keyPairFileNames,
  parseGenerateKeyPairOutput,
  parseImagetoolsDigest,
  parseSignOutput,
  parseVerifyFailure,
  parseVerifyOutput,
  redact,
  resolveFromInspect,
  signArgs,
  verifyArgs,
  withDigest,
} from '../core/signing';
import { RunResult, ToolError, runTool } from './process';
import { frag, LocalizedError, Text } from '../core/l10n/text';
import { ExecutablePathError, findExecutable } from './which';

/** Where to read how to install cosign. */
export const COSIGN_INSTALL_DOCS = 'https://docs.sigstore.dev/cosign/system_config/installation/';

export type CosignErrorCode = 'NOT_FOUND' | 'FAILED' | 'TIMEOUT' | 'CANCELLED' | 'OUTPUT_LIMIT' | 'SPAWN_FAILED' | 'EXISTS';

/** A cosign or docker run that did not succeed. The message and stderr are already redacted. */
export class CosignError extends LocalizedError {
  override name = 'CosignError';
  constructor(
    message: string | Text,
    readonly code: CosignErrorCode,
    readonly stderr?: string,
    readonly exitCode?: number | null,
  ) {
    super(message);
  }
}

export interface CosignRunnerOptions {
  /** Configured path to cosign (setting or SHIPSHAPE_COSIGN_PATH); PATH is searched otherwise. */
  cosignPath?: string;
  /** Configured path to docker, for digest resolution. */
  dockerPath?: string;
  /**
   * Merged over process.env: where tools are searched and what each child's environment is
   * filtered from (cosign gets its allow-list, docker its own; node/env.ts).
   */
  env?: NodeJS.ProcessEnv;
  /** Working directory: relative key paths are resolved by cosign from here. */
  cwd?: string;
  /** Per run; keyless signing waits for a browser login and gets longer. Default 120 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** cosign's stderr, line by line and redacted, e.g. to show the OIDC login URL. */
  onStderr?(text: string): void;
}

/** A successful `cosign sign`. */
export interface SignResult extends SignTranscript {
  reference: string;
  stderr: string;
}

/** A successful `cosign generate-key-pair`: absolute paths of what was written. */
export interface KeyPairResult extends KeyPairTranscript {
  directory: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const KEYLESS_TIMEOUT_MS = 600_000;

/** Longest partial line kept waiting for its end; a tool printing one endless line is cut to its tail. */
const MAX_PENDING_LINE = 64 * 1024;
const KEPT_LINE_TAIL = 4096;

/** Passes only whole lines on, so a secret split across two chunks is still redacted. */
class RedactingLineSink {
  private pending = '';
  /** The pending line lost its start: it may begin inside a secret. */
  private cut = false;
  constructor(
    private readonly secrets: ReadonlyArray<string | undefined>,
    private readonly sink: ((text: string) => void) | undefined,
  ) {}
  write(chunk: string): void {
    if (!this.sink) return;
    this.pending += chunk;
    const nl = this.pending.lastIndexOf('\n');
    if (nl >= 0) {
      this.emit(this.pending.slice(0, nl + 1));
      this.pending = this.pending.slice(nl + 1);
    }
    if (this.pending.length > MAX_PENDING_LINE) {
      // Bounded memory: keep the end of the line (where its meaning usually is) and mark the cut.
      this.pending = this.pending.slice(this.pending.length - KEPT_LINE_TAIL);
      this.cut = true;
    }
  }
  flush(): void {
    if (this.sink && this.pending) this.emit(this.pending);
    this.pending = '';
  }
  private emit(text: string): void {
    this.sink!(redact(text, this.secrets, { truncatedStart: this.cut }));
    this.cut = false;
  }
}

/** Drives cosign for signing, verification and key generation. */
export class CosignRunner {
  constructor(private readonly options: CosignRunnerOptions = {}) {}

  /** Signs a reference (by digest unless allowTag); the password, if any, goes in COSIGN_PASSWORD. */
  async sign(opts: SignOptions & { password?: string }): Promise<SignResult> {
    const { password, ...signOptions } = opts;
    const args = signArgs(signOptions);
    const timeoutMs = opts.key.kind === 'keyless' ? Math.max(this.options.timeoutMs ?? 0, KEYLESS_TIMEOUT_MS) : undefined;
    const result = await this.runCosign(args, password, timeoutMs);
    const stderr = this.redactStderr(result, password);
    if (result.exitCode !== 0) throw this.failure('cosign sign', result, password);
    return { reference: opts.reference, stderr, ...parseSignOutput(stderr) };
  }

  /**
   * Verifies a reference. A refused verification (no signature, none matching) resolves with
   * verified: false and a reason; only a failure to run cosign at all rejects.
   */
  async verify(opts: VerifyOptions): Promise<VerifyResult> {
    const args = verifyArgs(opts);
    const result = await this.runCosign(args, undefined);
    if (result.exitCode === 0) return parseVerifyOutput(opts.reference, result.stdout);
    const failed = parseVerifyFailure(opts.reference, result.exitCode, this.redactStderr(result));
    if (failed.reason) failed.reason = redact(failed.reason, this.secrets());
    return failed;
  }

  /**
   * Generates a key pair in a directory. Refuses to overwrite existing key files (cosign would
   * ask on a terminal we do not have).
   */
  async generateKeyPair(opts: GenerateKeyPairOptions & { directory: string; password?: string }): Promise<KeyPairResult> {
    const { directory, password, ...keyOptions } = opts;
    const args = generateKeyPairArgs(keyOptions);
    const names = keyPairFileNames(keyOptions);
    for (const name of [names.privateKey, names.publicKey]) {
      if (!name) continue;
      const file = path.join(directory, name);
      if (await exists(file)) throw new CosignError(frag('cosign.exists', '{file} already exists; move it away or choose another folder', { file }), 'EXISTS');
    }
    const result = await this.runCosign(args, password, undefined, directory);
    if (result.exitCode !== 0) throw this.failure('cosign generate-key-pair', result, password);
    const written = parseGenerateKeyPairOutput(this.redactStderr(result, password));
    const out: KeyPairResult = { directory };
    const priv = written.privateKey ?? names.privateKey;
    if (priv) out.privateKey = path.resolve(directory, priv);
    out.publicKey = path.resolve(directory, written.publicKey ?? names.publicKey);
    return out;
  }

  /** Pins a reference to the digest of the local image (`docker image inspect` RepoDigests). */
  async resolveDigest(reference: string): Promise<DigestResolution> {
    const docker = await this.locate('docker', this.options.dockerPath);
    const result = await this.run(docker, dockerInspectArgs(reference), undefined, undefined, undefined, 'docker');
    if (result.exitCode !== 0) {
      const detail = this.redactStderr(result).trim().split(/\r?\n/).pop() ?? '';
      return { ok: false, reason: `docker image inspect ${reference} failed${detail ? `: ${detail}` : ''}` };
    }
    return resolveFromInspect(reference, result.stdout);
  }

  /** Asks the registry for the digest a tag names (`docker buildx imagetools inspect`). */
  async resolveDigestRemote(reference: string): Promise<DigestResolution> {
    const docker = await this.locate('docker', this.options.dockerPath);
    const result = await this.run(docker, imagetoolsInspectArgs(reference), undefined, undefined, undefined, 'docker');
    const digest = result.exitCode === 0 ? parseImagetoolsDigest(result.stdout) : undefined;
    if (!digest) {
      const detail = this.redactStderr(result).trim().split(/\r?\n/).pop() ?? '';
      return { ok: false, reason: `could not read the digest of ${reference} from its registry${detail ? `: ${detail}` : ''}` };
    }
    const pinned = withDigest(reference, digest);
    return { ok: true, pinned, digest };
  }

  private secrets(password?: string): Array<string | undefined> {
    return [password, this.options.env?.COSIGN_PASSWORD, process.env.COSIGN_PASSWORD];
  }

  /** A run's stderr without secrets, including one cut at the start of the kept tail. */
  private redactStderr(result: RunResult, password?: string): string {
    return redact(result.stderr, this.secrets(password), { truncatedStart: result.stderrTruncated });
  }

  private async runCosign(args: string[], password: string | undefined, timeoutMs?: number, cwd?: string): Promise<RunResult> {
    const cosign = await this.locate('cosign', this.options.cosignPath);
    return this.run(cosign, args, password, timeoutMs, cwd);
  }

  private async locate(name: 'cosign' | 'docker', configured: string | undefined): Promise<string> {
    let found: string | undefined;
    try {
      found = await findExecutable(name, configured, { ...process.env, ...this.options.env });
    } catch (e) {
      if (e instanceof ExecutablePathError) throw notFound(name, configured, e.message);
      throw e;
    }
    if (!found) throw notFound(name, configured);
    return found;
  }

  private async run(executable: string, args: string[], password: string | undefined, timeoutMs?: number, cwd?: string, profile: 'cosign' | 'docker' = 'cosign'): Promise<RunResult> {
    // The password is set for cosign on purpose; docker never sees it (its allow-list has no COSIGN_*).
    const extra: NodeJS.ProcessEnv = password !== undefined && profile === 'cosign' ? { COSIGN_PASSWORD: password } : {};
    const secrets = this.secrets(password);
    const sink = new RedactingLineSink(secrets, this.options.onStderr);
    try {
      return await runTool(executable, {
        args,
        env: extra,
        baseEnv: { ...process.env, ...this.options.env },
        envProfile: profile,
        cwd: cwd ?? this.options.cwd,
        timeoutMs: timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        signal: this.options.signal,
        onStderr: (chunk) => sink.write(chunk),
      });
    } catch (e) {
      if (e instanceof ToolError) {
        const name = path.basename(executable);
        if (e.code === 'NOT_FOUND') throw notFound(name === 'docker' ? 'docker' : 'cosign', executable);
        throw new CosignError(redact(`${name}: ${e.message}`, secrets), e.code, e.stderr === undefined ? undefined : redact(e.stderr, secrets));
      }
      throw new CosignError(redact(e instanceof Error ? e.message : String(e), secrets), 'SPAWN_FAILED');
    } finally {
      sink.flush();
    }
  }

  private failure(what: string, result: RunResult, password: string | undefined): CosignError {
    const stderr = this.redactStderr(result, password).trim();
    const lines = stderr.split(/\r?\n/).filter((l) => /^Error:/i.test(l.trim()));
    const detail = (lines[0] ?? stderr.split(/\r?\n/).pop() ?? '').replace(/^Error:\s*/i, '').trim();
    const code = String(result.exitCode ?? result.signal ?? 'unknown');
    const message = detail
      ? frag('cosign.failed-detail', '{what} failed (exit code {code}): {detail}', { what, code, detail })
      : frag('cosign.failed', '{what} failed (exit code {code})', { what, code });
    return new CosignError(message, 'FAILED', stderr, result.exitCode);
  }
}

function notFound(name: 'cosign' | 'docker', configured: string | undefined, why?: string): CosignError {
  const where = why ? frag('cosign.where.why', '({why})', { why }) : configured ? frag('cosign.where.at', 'at {path}', { path: configured }) : frag('cosign.where.path', 'on PATH');
  const message = name === 'cosign'
    ? frag('cosign.not-found', 'cosign was not found {where}. Install it ({docs}) or set SHIPSHAPE_COSIGN_PATH / the shipshape.cosign.path setting to its location.', { where, docs: COSIGN_INSTALL_DOCS })
    : frag('cosign.docker-not-found', 'docker was not found {where}. Install Docker, or give the image by digest (repo@sha256:…).', { where });
  return new CosignError(message, 'NOT_FOUND');
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
