import { Rule } from '../../model';
import { DockerfileModel, finalStage, stageLineage } from '../model';
import { ImageFamily } from '../baseImage';
import { insertRuntimeLines } from '../edits';

/** DS-0026 / DL3057 / CIS-4.6: the image has no HEALTHCHECK. */
export const noHealthcheck: Rule<DockerfileModel> = {
  id: 'docker-no-healthcheck',
  title: 'No HEALTHCHECK',
  severity: 'low',
  appliesTo: 'dockerfile',
  references: ['DS-0026', 'DL3057', 'CIS-4.6'],
  description:
    'Without a HEALTHCHECK the engine only knows whether the process exists, not whether it still serves: a hung service keeps receiving traffic and is never restarted. (Kubernetes ignores HEALTHCHECK and uses probes instead.)',
  remediation: 'Add `HEALTHCHECK CMD <command that fails when the service is unhealthy>` to the final stage, or `HEALTHCHECK NONE` to state that none applies.',
  check(model, report) {
    const stage = finalStage(model);
    if (!stage) return;
    // Only the final image matters: it inherits HEALTHCHECK from the stages it is built on.
    const present = stageLineage(stage).some((s) => s.keywords.includes('HEALTHCHECK'));
    if (present) return;
    const edit = insertRuntimeLines(model, stage, [`HEALTHCHECK --interval=30s --timeout=5s --retries=3 ${healthCommand(stage.family)}`]);
    report({
      message: 'Add a HEALTHCHECK to the final stage so the engine can tell when the service stops responding.',
      range: stage.fromRange,
      fixes: [{ title: 'Add a HEALTHCHECK', kind: 'quickfix', safe: false, snippet: true, edits: [edit] }],
    });
  },
};

/** A snippet command that exists in the image: wget on BusyBox, exec form without a shell. */
function healthCommand(family: ImageFamily): string {
  switch (family) {
    case 'alpine':
      return 'CMD ${1:wget -q --spider http://localhost:8080/health || exit 1}';
    case 'scratch':
    case 'distroless':
      return 'CMD ["${1:/app}", "${2:healthcheck}"]';
    default:
      return 'CMD ${1:curl -fsS http://localhost:8080/health || exit 1}';
  }
}
