import { FileKind } from './model';

/**
 * Which analyser a file name calls for. YAML files are candidates for Kubernetes: the
 * Kubernetes analyser itself decides (apiVersion + kind) and stays silent otherwise.
 */
export function detectFileKind(fileName: string, languageId?: string): FileKind | undefined {
  const base = fileName.replace(/\\/g, '/').split('/').pop() ?? '';
  const lower = base.toLowerCase();
  if (languageId === 'dockerfile') return 'dockerfile';
  if (languageId === 'yaml') return 'kubernetes';
  if (lower === 'dockerfile' || lower === 'containerfile') return 'dockerfile';
  if (lower.endsWith('.dockerfile') || lower.endsWith('.containerfile')) return 'dockerfile';
  if (lower.startsWith('dockerfile.') || lower.startsWith('containerfile.')) return 'dockerfile';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'kubernetes';
  return undefined;
}
