/**
 * What a text must contain to state a signature policy (k8s-image-digest-required): read by
 * `shipshape check` over every file before the analysis, so it imports nothing.
 */

/** The prefix of the facts a signature policy states (`image-policy:<json>`, rules/imageDigest.ts). */
export const IMAGE_POLICY_FACT = 'image-policy:';

/**
 * Whether a text may hold a Kyverno `verifyImages` rule or a Sigstore `ClusterImagePolicy`: it
 * names one of them, or has a backslash (a double-quoted key or kind can spell it with escapes).
 */
export function mayHaveImagePolicy(text: string): boolean {
  return text.includes('verifyImages') || text.includes('ClusterImagePolicy') || text.includes('\\');
}
