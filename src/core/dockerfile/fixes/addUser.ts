/** The "run as an unprivileged user" fix for the final stage. */
import { Fix, TextEdit } from '../../model';
import { DockerfileModel, Stage, isRootUser, instructionRange } from '../model';
import { insertRuntimeLines } from '../edits';
import { fixTitle } from '../../l10n/text';

/** UID/GID of the user the fix creates: above the range distributions give to system and login users. */
export const APP_UID = 10001;
/** UID of the `nonroot` user of distroless images; also a safe choice for scratch. */
export const NONROOT_UID = 65532;

/**
 * Lines that create (when the userland allows it) and switch to an unprivileged user. The USER
 * is numeric so that Kubernetes can verify `runAsNonRoot` without reading /etc/passwd.
 */
export function nonRootUserLines(stage: Stage): string[] {
  const created = stage.createdUsers[stage.createdUsers.length - 1];
  if (created) return [`USER ${created.uid ?? created.name}`];
  const repo = stage.ref?.repository ?? rootRef(stage)?.repository;
  if (repo === 'node' || repo === 'library/node') return ['USER node'];
  const id = `${APP_UID}:${APP_UID}`;
  switch (stage.family) {
    case 'scratch':
    case 'distroless':
      return [`USER ${NONROOT_UID}:${NONROOT_UID}`];
    case 'windows':
      // Windows base images ship an unprivileged ContainerUser next to ContainerAdministrator.
      return ['USER ContainerUser'];
    case 'alpine':
      return [`RUN addgroup -S -g ${APP_UID} app && adduser -S -D -H -u ${APP_UID} -G app app`, `USER ${id}`];
    case 'debian':
      return [`RUN groupadd --system --gid ${APP_UID} app && useradd --system --uid ${APP_UID} --gid app --no-create-home --shell /usr/sbin/nologin app`, `USER ${id}`];
    case 'rhel':
      return [`RUN groupadd -r -g ${APP_UID} app && useradd -r -u ${APP_UID} -g app -M -s /sbin/nologin app`, `USER ${id}`];
    default:
      // ubi-minimal and unknown bases may lack useradd: a numeric USER needs no passwd entry.
      return [`USER ${id}`];
  }
}

function rootRef(stage: Stage): Stage['ref'] {
  let s: Stage | undefined = stage;
  while (s?.parent) s = s.parent;
  return s?.ref;
}

/** Fix for a root final stage: replace a trailing `USER root`, else insert before CMD/ENTRYPOINT. */
export function nonRootUserFix(model: DockerfileModel, stage: Stage): Fix | undefined {
  const lines = nonRootUserLines(stage);
  const last = stage.users[stage.users.length - 1];
  let edit: TextEdit;
  if (last && isRootUser(last.value)) {
    const after = stage.instructions.slice(stage.instructions.indexOf(last.instruction) + 1);
    const buildStepAfter = after.some((i) => /^(RUN|COPY|ADD)$/i.test(i.getKeyword()));
    if (!buildStepAfter) {
      const range = instructionRange(last.instruction);
      const indent = /^[ \t]*/.exec(model.lines.lineText(range.start.line))?.[0] ?? '';
      edit = { range, newText: lines.join(model.eol + indent) };
    } else edit = insertRuntimeLines(model, stage, lines);
  } else edit = insertRuntimeLines(model, stage, lines);
  const user = lines[lines.length - 1].replace(/^USER /, '');
  return { kind: 'quickfix', safe: false, preferred: true, edits: [edit], ...fixTitle('docker.addUser.run-as-an-unprivileged', 'Run as an unprivileged user (USER {user})', { user }) };
}
