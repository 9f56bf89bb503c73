/** Credentials written into a service's environment or its local env_file, judged by the shared secret detector. */
import { Scalar, isMap, isScalar, isSeq } from 'yaml';
import { getPair } from '../../kubernetes/model';
import { judgeSecret } from '../../secrets';
import { envFiles, serviceText } from '../model';
import { embeddedEntries } from '../../secrets/embedded';
import { LineIndex } from '../../text';
import { ComposeRule, nodeRange, pairRange } from './common';
import { Range } from '../../model';
import { KeyPair } from '../../kubernetes/model';
import { msg } from '../../l10n/text';

/** One environment entry: name, literal value (undefined when taken from the shell), where it is written. */
interface EnvEntry { name: string; value: string | undefined; range: Range }

function* envEntries(model: Parameters<ComposeRule['check']>[0], env: unknown): Generator<EnvEntry> {
  if (isMap(env)) {
    for (const p of env.items) {
      if (!isScalar(p.key)) continue;
      const v = p.value;
      const value = v === null || (isScalar(v) && v.value === null) ? undefined : isScalar(v) ? String(v.value) : undefined;
      yield { name: String(p.key.value), value, range: pairRange(model, p as KeyPair) };
    }
  } else if (isSeq(env)) {
    for (const it of env.items) {
      if (!isScalar(it) || typeof it.value !== 'string') continue;
      const text = it.value;
      const eq = text.indexOf('=');
      // `- NAME` alone passes the variable through from the shell that runs compose.
      yield { name: (eq < 0 ? text : text.slice(0, eq)).trim(), value: eq < 0 ? undefined : text.slice(eq + 1), range: nodeRange(model, it as Scalar) };
    }
  }
}

export const envSecret: ComposeRule = {
  id: 'compose-env-secret',
  title: 'Credential written in a service\'s environment',
  severity: 'high',
  appliesTo: 'compose',
  references: [],
  description: 'A password, token or key written in the Compose file (or in an env_file next to it that is checked in) is in every clone of the repository and its history, in docker inspect output and in the environment of every process of the container. An env_file is read where the caller can read it (the CLI: a relative path inside the working directory); a .env file kept out of the repository is where such values belong, so check the finding against your .gitignore.',
  remediation: 'Read it from the shell or an untracked .env file (NAME: ${NAME}), or better mount it as a Compose secret (secrets:) and point the image at the file (many images read NAME_FILE).',
  check(model, report) {
    for (const s of model.services) {
      const env = getPair(s.node, 'environment')?.value;
      for (const e of envEntries(model, env)) {
        if (e.value === undefined) continue;
        // `$$` is Compose's escape for a literal `$`: such a value holds no bare `$NAME` reference.
        const escaped = e.value.includes('$$');
        const j = judgeSecret({ name: e.name, value: escaped ? e.value.replace(/\$\$/g, '$') : e.value, syntax: { bareDollar: !escaped } });
        if (!j.secret) continue;
        report({
          range: e.range,
          ...msg('compose.secrets.sets-to-a-literal', '{^service} sets {name} to a literal credential ({reason}): read it from the environment (${{name}}) or a Compose secret.', { service: serviceText(s), name: e.name, reason: j.reasonText ?? j.reason }),
        });
      }
      // An env_file the caller supplied (a local file): its literal credentials, reported at the entry that names it.
      for (const file of envFiles(s)) {
        const content = model.related?.get(file.path);
        if (content === undefined) continue;
        const lines = new LineIndex(content);
        // Compose reads an env_file as KEY=VALUE lines whatever its name.
        for (const e of embeddedEntries(content, '.env')) {
          const j = judgeSecret({ name: e.name, value: e.value, syntax: { bareDollar: true } });
          if (!j.secret) continue;
          const at = lines.rangeOf(e.start, e.end);
          report({
            range: nodeRange(model, file.node),
            related: [{ file: file.path, range: at, ...msg('compose.secrets.is-set-here', '{name} is set here', { name: e.name }) }],
            ...msg('compose.secrets.reads-from-line-as', '{^service} reads {name} from {path} (line {line}) as a literal credential ({reason}): keep that file out of the repository, or use a Compose secret.', { service: serviceText(s), name: e.name, path: file.path, line: at.start.line + 1, reason: j.reasonText ?? j.reason }),
          });
        }
      }
    }
  },
};
