import type { KubeObject } from '../rules/types.js';

/** Where an object (or one of its fields) stands in its input; lines and columns are 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** One Kubernetes object read from an input, with what is needed to point at its fields later. */
export interface LoadedObject {
  object: KubeObject;
  source: SourcePosition;
  /** the YAML text of the document the object came from, and the line it starts on (for field look-ups) */
  document: { text: string; firstLine: number; file: string };
  /** index of the item when the document is a `List`; undefined for a plain object */
  listIndex?: number;
}

/** An input that could not be read or parsed: reported with its place, never as a stack trace. */
export interface InputError {
  source: SourcePosition;
  message: string;
}

export interface LoadResult {
  objects: LoadedObject[];
  errors: InputError[];
}
