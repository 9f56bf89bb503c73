/** The Kubernetes rules, in the order their findings are listed for a line. */
import { KubeRule } from './common';
import { allowPrivilegeEscalation, privileged, procMount, readOnlyRootFilesystem, rootGroup, runAsNonRoot, runAsUid0 } from './securityContext';
import { capSysAdmin, capsAdded, capsRestricted, dropAll } from './capabilities';
import { seccomp, seccompUnconfined } from './seccomp';
import { dockerSock, hostIPC, hostNetwork, hostPID, hostPath, hostPort, serviceAccountToken, unsafeSysctl, volumeTypes } from './podSpec';
import { cpuLimit, cpuRequest, memoryLimit, memoryRequest } from './resources';
import { imageLatest } from './image';
import { configMapSecrets, namespacePssLabel, secretInManifest } from './objects';

export const KUBERNETES_RULES: readonly KubeRule[] = [
  allowPrivilegeEscalation,
  dropAll,
  capsRestricted,
  capSysAdmin,
  dockerSock,
  hostIPC,
  hostNetwork,
  hostPID,
  cpuLimit,
  runAsNonRoot,
  imageLatest,
  readOnlyRootFilesystem,
  cpuRequest,
  memoryRequest,
  privileged,
  memoryLimit,
  capsAdded,
  hostPath,
  hostPort,
  unsafeSysctl,
  procMount,
  volumeTypes,
  rootGroup,
  seccomp,
  serviceAccountToken,
  seccompUnconfined,
  runAsUid0,
  secretInManifest,
  configMapSecrets,
  namespacePssLabel,
];
