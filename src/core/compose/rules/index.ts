/** The Compose rules, in the order their findings are listed for a line. */
import { ComposeRule } from './common';
import { yamlSyntax } from './syntax';
import { apparmorUnconfined, capAdd, capDropAll, noNewPrivileges, privileged, seccompUnconfined } from './privileges';
import { devices, dockerSocket, hostIpc, hostNetwork, hostPid, hostUserns, hostUts, sensitiveMount } from './host';
import { exposedPort, imageLatest, readOnly, resourceLimits, rootUser, userUnset } from './runtime';
import { envSecret } from './secrets';

export const COMPOSE_RULES: readonly ComposeRule[] = [
  yamlSyntax,
  privileged,
  capAdd,
  capDropAll,
  noNewPrivileges,
  seccompUnconfined,
  apparmorUnconfined,
  hostNetwork,
  hostPid,
  hostIpc,
  hostUserns,
  hostUts,
  dockerSocket,
  sensitiveMount,
  devices,
  rootUser,
  userUnset,
  readOnly,
  resourceLimits,
  imageLatest,
  envSecret,
  exposedPort,
];
