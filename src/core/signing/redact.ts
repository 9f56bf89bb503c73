/**
 * Removing secrets from text before it reaches a message, an output channel or a log. cosign
 * does not normally echo the key password, but a wrapper script, a shell trace (`set -x`) or a
 * future error message might; we never rely on that.
 */

/** What a removed secret is replaced with. */
export const REDACTED = '[REDACTED]';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces every occurrence of each secret in text, and any `COSIGN_PASSWORD=value` assignment.
 * Longer secrets go first so a secret that contains another is removed whole.
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  const distinct = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length > 0))];
  distinct.sort((a, b) => b.length - a.length);
  for (const secret of distinct) {
    out = out.replace(new RegExp(escapeRegExp(secret), 'g'), REDACTED);
    // JSON-escaped or URL-encoded echoes of the same secret.
    const json = JSON.stringify(secret).slice(1, -1);
    if (json !== secret) out = out.replace(new RegExp(escapeRegExp(json), 'g'), REDACTED);
    const uri = encodeURIComponent(secret);
    if (uri !== secret) out = out.replace(new RegExp(escapeRegExp(uri), 'g'), REDACTED);
  }
  return out.replace(/(COSIGN_PASSWORD\s*[=:]\s*)("[^"\n]*"|'[^'\n]*'|\S+)/g, `$1${REDACTED}`);
}
