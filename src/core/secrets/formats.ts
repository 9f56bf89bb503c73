/**
 * Known credential formats: a value that matches one is a credential whatever it is called.
 *
 * Our own table, written from what public rule sets document about each format. Sources:
 * - gitleaks: github.com/gitleaks/gitleaks, config/gitleaks.toml ("gitleaks <rule id>" below)
 * - Trivy: github.com/aquasecurity/trivy, pkg/fanal/secret/builtin-rules.go ("Trivy <rule id>")
 * - the vendors' own token-format documentation where noted.
 * Each pattern requires the format's fixed prefix plus the documented length of the random part,
 * so a word such as `sk-learn` or `ghp_` alone does not match.
 */

/** One credential format. */
export interface CredentialFormat {
  id: string;
  /** Used in reasons: "value matches the <title> format". */
  title: string;
  /** A reason of its own, when "matches the … format" does not read well. */
  reason?: string;
  /** Substring every match contains (a cheap test before the regular expression runs). */
  hint: string;
  /** Case-insensitive hint. */
  hintIgnoreCase?: boolean;
  /** What a match looks like; every open-ended part is bounded or followed by nothing, so a scan is linear. */
  pattern?: RegExp;
  /** Rejects matches that are documentation examples or references (`${PASSWORD}`). */
  reject?(match: RegExpExecArray): boolean;
  /** A matcher of its own, for formats a regular expression would scan in quadratic time: [start, end]. */
  find?(text: string): [number, number] | undefined;
}

/** A literal that is not a credential: a variable reference, a template or a masked value. */
const NOT_LITERAL = /^(\$|\{\{|%[sd(]|<[^>]*>$|\[[^\]]*\]$|\*+$|x+$|\.\.\.$|…$)/i;

export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = [
  // gitleaks aws-access-token (prefixes A3T, AKIA, ASIA, ABIA, ACCA); Trivy aws-access-key-id.
  // AWS's documentation keys end in EXAMPLE (gitleaks allowlists them too).
  {
    id: 'aws-access-key-id', title: 'AWS access key id', hint: 'A', pattern: /\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/,
    reject: (m) => m[0].endsWith('EXAMPLE'),
  },
  // gitleaks github-pat / github-oauth / github-app-token / github-refresh-token; Trivy github-*.
  { id: 'github-token', title: 'GitHub token', hint: 'gh', pattern: /\bgh[pousr]_[0-9A-Za-z]{36,255}\b/ },
  // gitleaks github-fine-grained-pat (`github_pat_` and 82 word characters); Trivy github-fine-grained-pat.
  { id: 'github-fine-grained-token', title: 'GitHub fine-grained token', hint: 'github_pat_', pattern: /\bgithub_pat_\w{82}\b/ },
  // gitleaks gitlab-pat, gitlab-deploy-token, gitlab-runner-authentication-token; Trivy gitlab-pat.
  { id: 'gitlab-token', title: 'GitLab token', hint: 'gl', pattern: /\bgl(?:pat|dt|rt|ptt|ft|oas|cbt)-[0-9A-Za-z_-]{20,}/ },
  // gitleaks slack-bot-token / slack-user-token / slack-legacy-*; Trivy slack-access-token.
  { id: 'slack-token', title: 'Slack token', hint: 'xox', pattern: /\bxox[abposre]-[0-9A-Za-z-]{10,}/ },
  // gitleaks slack-app-token.
  { id: 'slack-app-token', title: 'Slack app token', hint: 'xapp-', pattern: /\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+/i },
  // gitleaks slack-webhook-url; Trivy slack-web-hook.
  { id: 'slack-webhook', title: 'Slack webhook URL', hint: 'hooks.slack.com', pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{43,56}/ },
  // gitleaks stripe-access-token (sk_/rk_ with test, live or prod); Trivy stripe-secret-token.
  { id: 'stripe-secret-key', title: 'Stripe secret key', hint: 'k_', pattern: /\b[sr]k_(?:test|live|prod)_[0-9A-Za-z]{10,99}\b/ },
  // gitleaks gcp-api-key (`AIza` and 35 characters).
  { id: 'google-api-key', title: 'Google API key', hint: 'AIza', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  // Trivy gcp-service-account: the JSON key file of a Google service account.
  { id: 'google-service-account', title: 'Google service account key', hint: 'service_account', pattern: /"type"\s*:\s*"service_account"/ },
  // gitleaks npm-access-token; Trivy npm-access-token (`npm_` and 36 characters).
  { id: 'npm-token', title: 'npm access token', hint: 'npm_', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  // gitleaks openai-api-key: `sk-` (optionally proj-/svcacct-/admin-) with "T3BlbkFJ" (base64 of "OpenAI") inside.
  { id: 'openai-api-key', title: 'OpenAI API key', hint: 'T3BlbkFJ', pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,200}T3BlbkFJ[A-Za-z0-9_-]{16,}/ },
  // gitleaks anthropic-api-key / anthropic-admin-api-key.
  { id: 'anthropic-api-key', title: 'Anthropic API key', hint: 'sk-ant-', pattern: /\bsk-ant-(?:api|admin)\d\d-[A-Za-z0-9_-]{80,}/ },
  // gitleaks huggingface-access-token; Trivy hugging-face-access-token.
  { id: 'huggingface-token', title: 'Hugging Face token', hint: 'hf_', pattern: /\bhf_[A-Za-z0-9]{34,40}\b/ },
  // gitleaks pypi-upload-token; Trivy pypi-upload-token.
  { id: 'pypi-token', title: 'PyPI upload token', hint: 'pypi-AgEIcHlwaS5vcmc', pattern: /pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/ },
  // gitleaks digitalocean-pat / digitalocean-access-token / digitalocean-refresh-token.
  { id: 'digitalocean-token', title: 'DigitalOcean token', hint: '_v1_', pattern: /\bdo[opr]_v1_[a-f0-9]{64}\b/ },
  // Docker Hub personal access tokens start with `dckr_pat_` (Docker's access-token documentation).
  { id: 'docker-hub-token', title: 'Docker Hub access token', hint: 'dckr_', pattern: /\bdckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}/ },
  // gitleaks vault-service-token (the `hvs.` form).
  { id: 'vault-token', title: 'HashiCorp Vault token', hint: 'hvs.', pattern: /\bhvs\.[\w-]{90,}/ },
  // gitleaks sendgrid-api-token; Trivy sendgrid-api-token.
  { id: 'sendgrid-api-key', title: 'SendGrid API key', hint: 'SG.', pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/ },
  // Trivy shopify-token; gitleaks shopify-*.
  { id: 'shopify-token', title: 'Shopify token', hint: 'shp', pattern: /\bshp(?:ss|at|ca|pa)_[a-fA-F0-9]{32}\b/ },
  // Trivy twilio-api-key; gitleaks twilio-api-key.
  { id: 'twilio-api-key', title: 'Twilio API key', hint: 'SK', pattern: /\bSK[0-9a-fA-F]{32}\b/ },
  // Trivy age-secret-key; gitleaks age-secret-key.
  { id: 'age-secret-key', title: 'age secret key', hint: 'AGE-SECRET-KEY-1', pattern: /AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}/ },
  // gitleaks private-key; Trivy private-key: a PEM block whose label ends in PRIVATE KEY, with a body.
  {
    id: 'private-key', title: 'PEM private key', hint: 'PRIVATE KEY', hintIgnoreCase: false,
    pattern: /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:\s|\\n|\\r)*[A-Za-z0-9+/=]{16,}/,
  },
  // gitleaks jwt: three base64url parts, the first two JSON objects (`ey` = base64 of `{"`).
  { id: 'jwt', title: 'JSON Web Token', hint: '.ey', find: findJwt },
  // A password in a URL, `scheme://user:password@host` (RFC 3986 userinfo; detect-secrets' BasicAuthDetector).
  // `docker://alpine:3.20@sha256:…` is a tag and a digest, not credentials.
  { id: 'url-password', title: 'password in a URL', reason: 'the value is a URL with a literal password', hint: '://', find: findUrlPassword },
  // ADO.NET, ODBC and JDBC connection strings: `…;Password=…;`, `Pwd=`, Azure `AccountKey=` / `SharedAccessKey=`.
  {
    id: 'connection-string-password', title: 'connection string with a password', reason: 'the value is a connection string with a literal password', hint: ';',
    pattern: /(?:^|[;\s"'])(?:password|pwd|accountkey|sharedaccesskey)\s*=\s*([^;'"\s][^;'"]*)/i,
    // A connection string has `;`-separated settings: a lone `password=x` is judged by its name instead.
    reject: (m) => !hasTwoSettings(m.input) || NOT_LITERAL.test(m[1].trim()) || m[1].includes('${') || m[1].includes('$(') || m[1].includes('{{'),
  },
];

const B64URL = /[A-Za-z0-9_-]/;

/** Offset just past the run of base64url characters starting at `i` (at most `max` of them). */
function runEnd(text: string, i: number, max = 1 << 16): number {
  let j = i;
  while (j < text.length && j - i < max && B64URL.test(text[j])) j++;
  return j;
}

/** A JWT: `ey…` `.` `ey…` `.` signature (base64url parts of at least 17, 17 and 10 characters). */
function findJwt(text: string): [number, number] | undefined {
  for (let dot = text.indexOf('.ey'); dot > 0; dot = text.indexOf('.ey', dot + 1)) {
    let start = dot;
    while (start > 0 && dot - start < 1 << 16 && B64URL.test(text[start - 1])) start--;
    if (dot - start < 17 || !text.startsWith('ey', start)) continue;
    const second = runEnd(text, dot + 1);
    if (second - (dot + 1) < 17 || text[second] !== '.') continue;
    const sig = runEnd(text, second + 1);
    if (sig - (second + 1) < 10) continue;
    let end = sig;
    while (end < text.length && end - sig < 2 && text[end] === '=') end++;
    return [start, end];
  }
  return undefined;
}

const SCHEME = /[A-Za-z0-9+.-]/;
const USERINFO_STOP = /[\s/@'"]/;

/** `scheme://user:password@host` with a literal password (each `://` looks at most 512 characters ahead). */
function findUrlPassword(text: string): [number, number] | undefined {
  for (let at = text.indexOf('://'); at > 0; at = text.indexOf('://', at + 3)) {
    let start = at;
    while (start > 0 && at - start < 40 && SCHEME.test(text[start - 1])) start--;
    while (start < at && !/[A-Za-z]/.test(text[start])) start++;
    if (start === at) continue;
    let i = at + 3;
    const limit = Math.min(text.length, i + 512);
    while (i < limit && !USERINFO_STOP.test(text[i])) i++;
    if (text[i] !== '@') continue;
    const userinfo = text.slice(at + 3, i);
    const colon = userinfo.indexOf(':');
    if (colon < 0) continue;
    const password = userinfo.slice(colon + 1);
    let hostEnd = i + 1;
    while (hostEnd < text.length && hostEnd - i < 512 && !USERINFO_STOP.test(text[hostEnd])) hostEnd++;
    const host = text.slice(i + 1, hostEnd);
    if (!password || !host || NOT_LITERAL.test(password) || password.includes('${') || password.includes('$(') || password.includes('{{') || /^sha\d+:/.test(host)) continue;
    return [start, hostEnd];
  }
  return undefined;
}

/** `a=b;c=d`: at least two settings separated by `;` (linear: no regular expression over the text). */
function hasTwoSettings(text: string): boolean {
  const first = text.indexOf('=');
  return first >= 0 && text.indexOf('=', first + 1) > first && text.includes(';');
}

/** A format match inside a text, with its offsets. */
export interface FormatMatch { format: CredentialFormat; start: number; end: number }

/** Text no format can match lacks all of these (one scan instead of one per format). */
const ANY_HINT = /A3T|AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|gl[a-z]{1,3}-|xox|xapp-|XAPP-|hooks\.slack\.com|k_|AIza|service_account|npm_|T3BlbkFJ|sk-ant-|hf_|pypi-|_v1_|dckr_|hvs\.|SG\.|shp|SK|AGE-SECRET-KEY-1|PRIVATE KEY|\.ey|:\/\/|;/;

/** The first known credential format found in a text, if any. */
export function findCredentialFormat(text: string, formats: readonly CredentialFormat[] = CREDENTIAL_FORMATS): FormatMatch | undefined {
  if (formats === CREDENTIAL_FORMATS && !ANY_HINT.test(text)) return undefined;
  let lower: string | undefined;
  for (const format of formats) {
    if (format.hintIgnoreCase) {
      lower ??= text.toLowerCase();
      if (!lower.includes(format.hint.toLowerCase())) continue;
    } else if (!text.includes(format.hint)) continue;
    if (format.find) {
      const found = format.find(text);
      if (found) return { format, start: found[0], end: found[1] };
      continue;
    }
    const m = format.pattern?.exec(text);
    if (!m || format.reject?.(m)) continue;
    return { format, start: m.index, end: m.index + m[0].length };
  }
  return undefined;
}
