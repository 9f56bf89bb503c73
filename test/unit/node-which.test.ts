import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ExecutablePathError, findExecutable } from '../../src/node/which';

describe('findExecutable', () => {
  let dir: string;
  let a: string;
  let b: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-which-'));
    a = path.join(dir, 'a');
    b = path.join(dir, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const tool = (d: string, name: string, mode = 0o755): string => {
    const p = path.join(d, name);
    fs.writeFileSync(p, '#!/bin/sh\n');
    fs.chmodSync(p, mode);
    return p;
  };

  it('finds the first executable on PATH', async () => {
    tool(a, 'trivy');
    const second = tool(b, 'grype');
    tool(b, 'trivy');
    const env = { PATH: [a, b].join(path.delimiter) };
    assert.strictEqual(await findExecutable('trivy', undefined, env), path.join(a, 'trivy'));
    assert.strictEqual(await findExecutable('grype', undefined, env), second);
  });

  it('skips files that are not executable and directories of that name', async () => {
    tool(a, 'trivy', 0o644);
    fs.mkdirSync(path.join(a, 'grype'));
    const real = tool(b, 'trivy');
    const env = { PATH: [a, b].join(path.delimiter) };
    assert.strictEqual(await findExecutable('trivy', undefined, env), real);
    assert.strictEqual(await findExecutable('grype', undefined, env), undefined);
  });

  it('ignores empty and relative PATH entries (no tool from the current directory)', async () => {
    assert.strictEqual(await findExecutable('trivy', undefined, { PATH: ['', '.', 'bin'].join(path.delimiter) }), undefined);
  });

  it('resolves undefined when the tool is nowhere', async () => {
    assert.strictEqual(await findExecutable('trivy', undefined, { PATH: a }), undefined);
  });

  it('uses a configured path as is, without searching PATH', async () => {
    const configured = tool(b, 'my-trivy');
    tool(a, 'trivy');
    assert.strictEqual(await findExecutable('trivy', configured, { PATH: a }), configured);
  });

  it('explains why a configured path cannot be used', async () => {
    const notExec = tool(a, 'trivy', 0o644);
    await assert.rejects(findExecutable('trivy', path.join(a, 'missing')), (e: unknown) => e instanceof ExecutablePathError && /does not exist/.test((e as Error).message));
    await assert.rejects(findExecutable('trivy', notExec), /is not executable/);
    await assert.rejects(findExecutable('trivy', a), /is not a file/);
    await assert.rejects(findExecutable('trivy', 'bin/trivy'), /must be an absolute path/);
  });
});
