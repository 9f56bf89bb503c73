import { Rule } from '../../model';
import { DockerfileModel, argumentsOf, toRange } from '../model';
import { expandVariables } from '../variables';

/** DS-0004: EXPOSE 22. */
export const exposeSsh: Rule<DockerfileModel> = {
  id: 'docker-expose-ssh',
  title: 'SSH port exposed',
  severity: 'medium',
  appliesTo: 'dockerfile',
  references: ['DS-0004'],
  description:
    'Exposing port 22 means an SSH daemon runs in the container: one more service to patch and attack, and a way around the audit trail of `docker exec` / `kubectl exec`.',
  remediation: 'Remove port 22 from EXPOSE and the SSH server from the image; use `docker exec` or `kubectl exec` to get a shell.',
  check(model, report) {
    for (const stage of model.stages) {
      for (const ins of stage.instructions) {
        if (ins.getKeyword().toUpperCase() !== 'EXPOSE') continue;
        for (const arg of argumentsOf(ins)) {
          const value = expandVariables(arg.getValue(), stage.table, model.escapeChar).value;
          if (!/^22(\/(tcp|udp))?$/i.test(value)) continue;
          report({ message: 'Do not expose the SSH port 22: remove it and use `docker exec` / `kubectl exec` for shell access.', range: toRange(arg.getRange()) });
        }
      }
    }
  },
};
