/** Every Dockerfile rule, in the order they are listed in docs and settings. */
import { Rule } from '../../model';
import { DockerfileModel } from '../model';
import { latestTag } from './latestTag';
import { rootUser } from './rootUser';
import { exposeSsh } from './exposeSsh';
import { addInsteadOfCopy } from './addInsteadOfCopy';
import { sudo } from './sudo';
import { runCd } from './runCd';
import { updateAlone } from './updateAlone';
import { aptGetYes } from './aptGetYes';
import { apkNoCache } from './apkNoCache';
import { noHealthcheck } from './noHealthcheck';
import { aptNoInstallRecommends } from './aptNoInstallRecommends';
import { secretInBuild } from './secretInBuild';
import { pipefail } from './pipefail';
import { debugTools } from './debugTools';
import { untrustedRegistry } from './untrustedRegistry';
import { unverifiedDownload } from './unverifiedDownload';
import { setuid } from './setuid';
import { instructionBeforeFrom } from './instructionBeforeFrom';
import { toolchainBase } from './toolchainBase';
import { shellTools } from './shellTools';
import { setuidStrip } from './setuidStrip';

export const DOCKERFILE_RULES: readonly Rule<DockerfileModel>[] = [
  latestTag,
  rootUser,
  exposeSsh,
  addInsteadOfCopy,
  sudo,
  runCd,
  updateAlone,
  aptGetYes,
  apkNoCache,
  noHealthcheck,
  aptNoInstallRecommends,
  secretInBuild,
  pipefail,
  debugTools,
  untrustedRegistry,
  unverifiedDownload,
  setuid,
  instructionBeforeFrom,
  toolchainBase,
  shellTools,
  setuidStrip,
];
