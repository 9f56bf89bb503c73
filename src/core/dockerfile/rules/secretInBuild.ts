import { Rule } from '../../model';
import { invocations } from '../commands';
import { DockerfileModel, finalStage, plainArguments, stageLineage, toRange } from '../model';
import { basename } from '../shell';

const SECRET_NAMES = new Set([
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'GITHUB_TOKEN',
  'GH_TOKEN', 'GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN', 'OPENAI_API_KEY', 'HF_TOKEN', 'DIGITALOCEAN_ACCESS_TOKEN',
  'DOCKERHUB_PASSWORD', 'FIREBASE_TOKEN', 'CI_DEPLOY_PASSWORD', 'GOOGLE_API_KEY', 'LANGSMITH_API_KEY', 'LANGCHAIN_API_KEY',
  'HEROKU_API_KEY', 'NPM_TOKEN', 'DOCKER_PASSWORD', 'VAULT_TOKEN', 'POSTGRES_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'MYSQL_PASSWORD',
]);
const SECRET_WORD = /(?:_|^)(apikey|api_key|auth|credential|credentials|key|password|pword|passwd|secret|token|usr|psw|private_key)(?:_|$)/i;
/** A superset of SECRET_WORD and SECRET_NAMES: names without any of these are not secrets. */
const SECRET_HINT = /key|auth|cred|pass|pword|secret|token|usr|psw|azure_client_id/i;
/** Names that hold a location or a switch, not the secret itself. */
const NOT_A_SECRET = /(_FILE|_PATH|_DIR|_URL|_URI|_ENABLED|_HEADER)$/i;

/** Private keys and credential files that must never be copied into an image. */
const SECRET_FILE = /(^|\/)(id_rsa|id_dsa|id_ecdsa|id_ed25519|\.env(\.[\w.-]+)?|\.npmrc|\.pypirc|\.netrc|\.git-credentials|\.dockercfg|credentials\.json|\.aws\/credentials|\.docker\/config\.json|[^/]*\.(key|p12|pfx|jks|keystore)|[^/]*\.pem)$/i;
const SECRET_FILE_HINT = /id_|\.env|\.npmrc|\.pypirc|\.netrc|credentials|\.dockercfg|config\.json|\.key|\.p12|\.pfx|\.jks|keystore|\.pem/i;
/** PEM files that are certificates (public by design) rather than keys. */
const PUBLIC_PEM = /(cert|chain|ca|bundle|public|pub)[^/]*\.pem$|^ca\.pem$/i;

/** DS-0031 / DL3064 / CIS-4.10: secrets passed into or copied into the image. */
export const secretInBuild: Rule<DockerfileModel> = {
  id: 'docker-secret-in-build',
  title: 'Secret passed into the image build',
  severity: 'critical',
  appliesTo: 'dockerfile',
  references: ['DS-0031', 'DL3064', 'CIS-4.10'],
  description:
    'ARG and ENV values are recorded in the image metadata and history (`docker history`), ENV values are visible to every process in the container, and copied key files stay in a layer even if a later step deletes them. Anyone who can pull the image can read them.',
  remediation:
    'Pass secrets with BuildKit secret mounts (`RUN --mount=type=secret,id=token,env=TOKEN …` and `docker build --secret id=token,…`), provide runtime secrets from the orchestrator, and keep key files out of the build context (.dockerignore).',
  check(model, report) {
    const final = finalStage(model);
    if (final) {
      for (const stage of stageLineage(final)) {
        for (const v of stage.variables) {
          if (!isSecretName(v.name)) continue;
          report({
            message: `Do not pass the secret "${v.name}" with ${v.kind}: its value is stored in the image ${v.kind === 'ENV' ? 'and visible to every process' : 'history'}; use a BuildKit secret mount.`,
            range: v.nameRange,
          });
        }
      }
    }
    for (const stage of model.stages) {
      for (let n = 0; n < stage.instructions.length; n++) {
        const ins = stage.instructions[n];
        const kw = stage.keywords[n];
        if (kw !== 'COPY' && kw !== 'ADD') continue;
        // Cheap test on the raw text first: tokenising every COPY costs more than the rest of the rule.
        const raw = model.text.slice(model.lines.offsetAt(ins.getRange().start), model.lines.offsetAt(ins.getRange().end));
        if (!SECRET_FILE_HINT.test(raw)) continue;
        const args = plainArguments(model, ins);
        for (const src of args.slice(0, -1)) {
          const path = src.getValue().replace(/^["']|["']$/g, '');
          if (path.startsWith('<<') || !SECRET_FILE.test(path) || (/\.pem$/i.test(path) && PUBLIC_PEM.test(basename(path)))) continue;
          report({
            message: `Do not copy "${path}" into the image: it stays in a layer. Use \`RUN --mount=type=secret\` or \`--mount=type=ssh\` and list it in .dockerignore.`,
            range: toRange(src.getRange()),
          });
        }
      }
    }
    for (const inv of invocations(model)) {
      if (!CREDENTIAL_PROGRAMS.has(inv.program) || inv.run.mountsSecret) continue;
      const trigger = credentialCommand(inv.program, inv.words.map((w) => w.text));
      if (trigger === undefined) continue;
      report({
        message: `"${inv.words.slice(0, trigger + 1).map((w) => w.text).join(' ')}" stores credentials in a layer: pass them with \`RUN --mount=type=secret\` instead.`,
        range: model.lines.rangeOf(inv.words[0].start, inv.words[trigger].end),
      });
    }
  },
};

/** Whether an ARG/ENV name is a secret's. */
export function isSecretName(name: string): boolean {
  // Cheap test first (no allocation): every secret name contains one of these words.
  if (!SECRET_HINT.test(name)) return false;
  const upper = name.toUpperCase();
  if (upper.includes('PUBLIC')) return false;
  const bare = upper.replace(/^(VITE_|REACT_APP_|NEXT_PUBLIC_)/, '');
  if (SECRET_NAMES.has(bare)) return true;
  if (NOT_A_SECRET.test(upper)) return false;
  return SECRET_WORD.test(name);
}

/** Programs whose invocations credentialCommand recognises. */
const CREDENTIAL_PROGRAMS = new Set(['aws', 'gcloud', 'az', 'doctl', 'docker', 'helm']);

/** Index of the word that makes a credential-storing command, or undefined. */
function credentialCommand(program: string, w: string[]): number | undefined {
  if (program === 'aws' && w[1] === 'configure' && w[2] === 'set' && /^(aws_access_key_id|aws_secret_access_key|aws_session_token)$/.test(w[3] ?? '')) return 3;
  if (program === 'gcloud' && w[1] === 'auth' && w[2] === 'activate-service-account') return 2;
  if (program === 'az' && w[1] === 'login') {
    const i = w.findIndex((x) => /^(-p|--password|--federated-token)(=|$)/.test(x));
    return i > 0 ? 1 : undefined;
  }
  if (program === 'doctl' && w[1] === 'auth' && w[2] === 'init' && w.some((x) => /^(-t|--access-token)(=|$)/.test(x))) return 2;
  if ((program === 'docker' || program === 'helm') && (w[1] === 'login' || (w[1] === 'registry' && w[2] === 'login')) && w.some((x) => /^(-p|--password)(=|$)/.test(x))) return w[1] === 'login' ? 1 : 2;
  return undefined;
}
