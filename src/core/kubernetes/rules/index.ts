/**
 * The Kubernetes rules, in the order their findings are listed for a line.
 *
 * Conventions every rule follows (so findings look alike in the editor and in SARIF):
 * - Severity is Trivy's for the KSV check the rule mirrors (RULES.md §3.2); where Trivy and the
 *   Pod Security Standards disagree, the rule follows PSS (§3.7): hostPort 0 and procMount
 *   Default are allowed, `drop: ["all"]` is reported as "use upper-case ALL", cephfs and
 *   photonPersistentDisk are forbidden volumes, ephemeral containers are checked by PSS rules,
 *   a missing seccomp profile is only a restricted finding, adds from the baseline set pass
 *   KSV-0022, Windows pods skip the restricted escalation/capabilities/seccomp controls, and
 *   `hostUsers: false` skips the root-user controls and the baseline procMount control. Each rule
 *   follows the newest policy version of kubernetes/pod-security-admission (null = unset, as a
 *   nil pointer is there).
 * - One problem, one finding: a restricted rule that repeats a baseline one on the same node names
 *   it in `coveredBy` and the engine folds the two; a privileged container gets no escalation or
 *   drop-ALL advice; hostPort in a hostNetwork pod is part of the host-network finding.
 * - References: Trivy ids as `KSV-0001`, PSS controls as `PSS-<level>:<pod-security-admission
 *   check id>` (e.g. `PSS-baseline:privileged`, no spaces so they work in suppression comments),
 *   CIS Kubernetes Benchmark items as `CIS-5.2.x`.
 * - Ranges: the offending `key: value` pair (or sequence item); for a missing field, the key of
 *   the deepest existing parent (e.g. `securityContext:`), else the container's `name` pair; for
 *   pod-level misses, the `spec` key that holds the pod spec. A container that inherits a bad
 *   pod-level value is reported at its `name` with related information pointing at the pod value.
 * - Resource, read-only-root, image, token, secret and namespace rules are not PSS controls.
 */
import { KubeRule } from './common';
import { allowPrivilegeEscalation, privileged, procMount, procMountRestricted, readOnlyRootFilesystem, rootGroup, runAsNonRoot, runAsUid0 } from './securityContext';
import { hostProbes } from './probes';
import { yamlSyntax } from './syntax';
import { capSysAdmin, capsAdded, capsRestricted, dropAll } from './capabilities';
import { seccomp, seccompUnconfined } from './seccomp';
import { dockerSock, hostIPC, hostNetwork, hostPID, hostPath, hostPort, serviceAccountToken, unsafeSysctl, volumeTypes } from './podSpec';
import { cpuLimit, cpuRequest, memoryLimit, memoryRequest, resourcesMissing } from './resources';
import { imageLatest } from './image';
import { namespacePssLabel } from './objects';
import { configMapSecrets, secretInManifest } from './secrets';
import { envLiteralSecret } from './envSecrets';
import { appArmorNotDefault, seLinuxCustom, windowsHostProcess } from './confinement';
import { RBAC_RULES } from './rbac';
import { admissionRejected, admissionWarned } from './admission';
import { untrustedRegistry } from './registry';
import { namespaceDefaultDeny } from './networkPolicy';
import { imageDigestRequired } from './imageDigest';

export const KUBERNETES_RULES: readonly KubeRule[] = [
  yamlSyntax,
  allowPrivilegeEscalation,
  dropAll,
  capsRestricted,
  capSysAdmin,
  dockerSock,
  hostIPC,
  hostNetwork,
  hostPID,
  resourcesMissing,
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
  procMountRestricted,
  hostProbes,
  seLinuxCustom,
  appArmorNotDefault,
  windowsHostProcess,
  volumeTypes,
  rootGroup,
  seccomp,
  serviceAccountToken,
  seccompUnconfined,
  runAsUid0,
  secretInManifest,
  configMapSecrets,
  envLiteralSecret,
  namespacePssLabel,
  ...RBAC_RULES,
  admissionRejected,
  admissionWarned,
  untrustedRegistry,
  namespaceDefaultDeny,
  imageDigestRequired,
];
