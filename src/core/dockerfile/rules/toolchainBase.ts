import { Instruction } from 'dockerfile-ast';
import { Fix, Rule } from '../../model';
import { baseAdvice } from '../baseCatalogue';
import { multiStageFix } from '../fixes/multiStage';
import { DockerfileModel, Stage, finalStage, instructionArgs, stageLineage } from '../model';
import { Arg, fixTitle, frag, msg } from '../../l10n/text';

/** "a, b, or c" in the locale of the message. */
function orList(items: readonly Arg[]): Arg {
  let out: Arg = items[items.length - 1] ?? '';
  for (let i = items.length - 2; i >= 0; i--) out = frag('docker.toolchainBase.or', '{a}, or {b}', { a: items[i], b: out });
  return out;
}

/** Files a library image copies for itself (its entrypoint), not an application. */
const IMAGE_PLUMBING = /(^|\/)([\w.-]*entrypoint[\w.-]*|[\w.-]+\.sh)$/i;

/** `--from` of a COPY/ADD, read from all its flags (with a second flag such as `--link`, getFromFlag finds none). */
function fromFlagOf(ins: Instruction): string | undefined {
  const flags = (ins as unknown as { getFlags?(): Array<{ getName(): string; getValue(): string | null }> }).getFlags?.() ?? [];
  const flag = flags.find((f) => f.getName().toLowerCase() === 'from');
  return flag ? flag.getValue() ?? '' : undefined;
}

/**
 * Whether the final image ships an application of the user's: a COPY/ADD from the build context
 * of anything but entrypoint scripts. A base or library image (golang, node, python themselves)
 * installs a toolchain on purpose and copies at most its entrypoint: it is not reported.
 */
export function shipsApplication(model: DockerfileModel, stage: Stage): boolean {
  for (const s of stageLineage(stage)) {
    for (let i = 0; i < s.instructions.length; i++) {
      const kw = s.keywords[i];
      if (kw !== 'COPY' && kw !== 'ADD') continue;
      const ins = s.instructions[i];
      if (fromFlagOf(ins) !== undefined) continue;
      const words = instructionArgs(model, ins).words.map((w) => w.value).filter((w) => !w.startsWith('--') && !w.startsWith('<<'));
      const sources = words.slice(0, -1);
      if (sources.some((src) => !/^https?:\/\//i.test(src) && !IMAGE_PLUMBING.test(src))) return true;
    }
  }
  return false;
}

/** The base-swap fix: only the tag of the FROM image changes. */
function swapFix(model: DockerfileModel, stage: Stage, swapTag: string): Fix | undefined {
  const ref = stage.ref;
  // Only a literal reference is edited: a variable in it is the user's to change.
  if (!ref || stage.imageText !== stage.resolvedImage || ref.digest) return undefined;
  const start = model.lines.offsetAt(stage.imageRange.start);
  const end = model.lines.offsetAt(stage.imageRange.end);
  const written = model.text.slice(start, end);
  if (written !== stage.imageText) return undefined;
  const colon = ref.tag !== undefined ? written.lastIndexOf(`:${ref.tag}`) : -1;
  const newText = ref.tag !== undefined && colon >= 0 ? `${written.slice(0, colon)}:${swapTag}` : `${written}:${swapTag}`;
  const editStart = ref.tag !== undefined && colon >= 0 ? start + colon : end;
  const editEnd = end;
  const replacement = newText.slice(editStart - start);
  return {
    kind: 'quickfix',
    // A slimmer variant may lack a package the build or the app needs.
    safe: false,
    edits: [{ range: model.lines.rangeOf(editStart, editEnd), newText: replacement }],
    ...fixTitle('docker.toolchainBase.use', 'Use {newText}', { newText }),
  };
}

/** A final stage on a compiler toolchain or a full OS image (issue: minimal images). */
export const toolchainBase: Rule<DockerfileModel> = {
  id: 'docker-toolchain-base',
  title: 'Final stage on a toolchain or full-OS image',
  severity: 'low',
  appliesTo: 'dockerfile',
  references: ['CIS-4.3'],
  description:
    'The final stage is the image that runs. On a toolchain image (golang, the full node or python image, a JDK, maven/gradle, rust, the .NET SDK, gcc, buildpack-deps) or a full OS (debian, ubuntu, centos, fedora) it ships compilers, package managers, shells and hundreds of packages the application never uses: more CVEs to patch and more tools for an attacker. Images that ship no application of their own (a base or library image that installs the toolchain on purpose) are not reported.',
  remediation:
    'Build in a stage of its own and copy only the artefact into a small runtime image: scratch or gcr.io/distroless/static for a static Go binary, the -slim or distroless image of the same Node.js/Python version, a JRE instead of a JDK, the .NET runtime instead of the SDK, debian:<suite>-slim instead of debian. Where only the tag changes (python:3.12 → python:3.12-slim), the quick fix swaps it.',
  check(model, report) {
    const stage = finalStage(model);
    if (!stage) return;
    const lineage = stageLineage(stage);
    const root = lineage[lineage.length - 1];
    if (root.baseKind !== 'image' || !root.ref) return;
    const advice = baseAdvice(root.ref);
    if (!advice || !shipsApplication(model, stage)) return;
    const fixes: Fix[] = [];
    const refactor = advice.weight === 'toolchain' ? multiStageFix(model) : undefined;
    // The multi-stage conversion is the fix that removes the toolchain: `fix --all` takes it.
    if (refactor && !refactor.snippet) fixes.push({ ...refactor, preferred: true });
    else if (refactor) fixes.push(refactor);
    const swap = advice.swapTag ? swapFix(model, root, advice.swapTag) : undefined;
    if (swap) fixes.push(swap);
    const args = { image: root.imageText, stage: root.alias ?? root.index, what: advice.whatText, smaller: orList(advice.smallerText) };
    const toolchain = advice.weight === 'toolchain';
    report({
      range: root.imageRange,
      fixes,
      ...(root === stage
        ? toolchain
          ? msg('docker.toolchainBase.runs-on-toolchain', 'The final stage runs on {image}, {what}: build in a stage of its own and ship the result on {smaller}.', args)
          : msg('docker.toolchainBase.runs-on-full-os', 'The final stage runs on {image}, {what}: use {smaller}.', args)
        : toolchain
          ? msg('docker.toolchainBase.runs-on-toolchain-via', 'The final stage runs on {image} (the base of stage "{stage}"), {what}: build in a stage of its own and ship the result on {smaller}.', args)
          : msg('docker.toolchainBase.runs-on-full-os-via', 'The final stage runs on {image} (the base of stage "{stage}"), {what}: use {smaller}.', args)),
    });
  },
};
