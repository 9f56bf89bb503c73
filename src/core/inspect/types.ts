/**
 * What `shipshape inspect` reports about a built image: its layers and what their files show.
 * Pure data; the archive reader (src/node/inspect) feeds the layer entries in.
 */
import type { Severity } from '../model';

/** JSON document version of `shipshape inspect --format json`. */
export const INSPECT_JSON_VERSION = 1;

/** One layer of the image, lowest first. `index` counts from 1, as the messages do. */
export interface ImageLayer {
  index: number;
  /** The layer's digest: the manifest's descriptor digest, else its diff_id. */
  digest: string;
  /** Bytes of file content in the layer (uncompressed). */
  size: number;
  /** The history entry that created it (`created_by`), when the config records one. */
  createdBy?: string;
  /** The Dockerfile instruction it came from, when a Dockerfile was given or found. */
  instruction?: { file: string; line: number };
}

/** One finding about the image's files. `layer` is the 1-based index of the layer that holds the file. */
export interface ImageFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  path: string;
  layer: number;
  references: string[];
}

export interface ImageReport {
  version: typeof INSPECT_JSON_VERSION;
  /** The reference or the archive as the user named it. */
  image: string;
  layers: ImageLayer[];
  findings: ImageFinding[];
}

/** A tar entry of a layer, as the reader hands it over. */
export interface LayerEntry {
  /** The entry name as written in the tar (may be hostile: `../x`, `/abs`, control characters). */
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'link' | 'other';
  mode: number;
  size: number;
  linkname?: string;
}
