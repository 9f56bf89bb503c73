import { Fix, Rule } from '../../model';
import { DockerfileModel, finalStage, isRootUser, Stage, instructionRange, stageLineage } from '../model';
import { nonRootUserFix } from '../fixes/addUser';
import { multiStageFix } from '../fixes/multiStage';
import { Msg, msg } from '../../l10n/text';

/** DS-0002 / DL3002 / CIS-4.1: the image's final user is root. */
export const rootUser: Rule<DockerfileModel> = {
  id: 'docker-root-user',
  title: 'Image runs as root',
  severity: 'high',
  appliesTo: 'dockerfile',
  references: ['DS-0002', 'DL3002', 'CIS-4.1'],
  description:
    'A container whose process runs as root turns any application compromise into root inside the container, and root in the container is one kernel or runtime bug away from root on the host. Only the final stage decides the user of the image: a USER in a builder stage does not carry over. Not reported when the final image is built on a base known to run as non-root (distroless `:nonroot`, Chainguard images, a stage that sets USER) or on a base supplied at build time.',
  remediation:
    'Create an unprivileged user in the final stage and switch to it with `USER` (a numeric `USER 10001:10001` also lets Kubernetes verify `runAsNonRoot`).',
  check(model, report) {
    const stage = finalStage(model);
    if (!stage) return;
    const user = stage.effectiveUser;
    if (user && (user.unresolved || !isRootUser(user.value))) return;
    if (!user && stage.nonRootBase) return;
    // A base image supplied at build time (`FROM $BASE_IMAGE`) may well set a non-root user;
    // `FROM ${REGISTRY}/ubuntu` is ubuntu from wherever, and runs as root.
    const root = lineageRoot(stage);
    if (!user && root.baseKind === 'unresolved' && repositoryNameOf(root.imageText).includes('$')) return;
    const fixes: Fix[] = [];
    const addUser = nonRootUserFix(model, stage);
    // A toolchain image is also the wrong runtime: offer the bigger refactor as an alternative.
    const refactor = multiStageFix(model);
    // Where the refactor applies as edits, it is what `fix --all` takes (its runtime runs as non-root
    // too); a USER added first would leave the toolchain in production.
    const refactorFirst = !!refactor && !refactor.snippet;
    if (addUser) fixes.push(refactorFirst ? { ...addUser, preferred: false } : addUser);
    if (refactor) fixes.push(refactorFirst ? { ...refactor, preferred: true } : refactor);
    if (user && user.instruction && !stage.userInheritedFrom) {
      report({
        range: instructionRange(user.instruction),
        fixes,
        ...msg('docker.rootUser.the-final-stage-switches', 'The final stage switches to "{user}" as its last USER: switch to an unprivileged user instead.', { user: user.value }),
      });
      return;
    }
    report({
      range: stage.fromRange,
      related: user && stage.userInheritedFrom ? [{ range: instructionRange(user.instruction), ...msg('docker.rootUser.user-inherited-from-stage', 'USER {user} inherited from stage "{alias}"', { user: user.value, alias: stage.userInheritedFrom.alias ?? stage.userInheritedFrom.index }) }] : undefined,
      fixes,
      ...inheritedMessage(stage),
    });
  },
};

function inheritedMessage(stage: Stage): Msg {
  if (stage.userInheritedFrom) return msg('docker.rootUser.inherits-root', 'The final stage inherits a root USER from the stage it is built on: add a USER with an unprivileged user.');
  if (stage.baseKind === 'scratch') return msg('docker.rootUser.scratch-no-user', 'The final stage is FROM scratch without a USER, so the process runs as root (UID 0): add `USER 65532:65532`.');
  return msg('docker.rootUser.no-user', 'The final stage sets no USER, so the container runs as root: add a USER with an unprivileged user.');
}

/** The stage at the bottom of a stage's FROM chain: the one whose FROM names an image. */
function lineageRoot(stage: Stage): Stage {
  const lineage = stageLineage(stage);
  return lineage[lineage.length - 1];
}

/** The image name of a reference as written, without registry path, tag or digest (`${…}` kept whole). */
function repositoryNameOf(image: string): string {
  let depth = 0;
  let start = 0;
  for (let i = 0; i < image.length; i++) {
    const c = image[i];
    if (c === '{' && image[i - 1] === '$') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (depth === 0 && c === '/') start = i + 1;
    else if (depth === 0 && (c === ':' || c === '@') && i > start) return image.slice(start, i);
  }
  return image.slice(start);
}
