/**
 * What a text must contain to state a Pod Security label (rules/admission.ts): read by
 * `shipshape check` over every file before the analysis, so it imports nothing.
 */

/** The prefix of the facts a Namespace states for its Pod Security labels (`pss:<mode>:<namespace>:<level>`). */
export const POD_SECURITY_FACT = 'pss:';

/**
 * Whether a text may state a Pod Security label (`pod-security.kubernetes.io/enforce` …): it names
 * `pod-security`, or has a backslash (a double-quoted key can spell the name with escapes).
 */
export function mayHavePodSecurityLabel(text: string): boolean {
  return text.includes('pod-security') || text.includes('\\');
}
