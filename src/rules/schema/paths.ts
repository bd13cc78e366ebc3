/** Kubernetes field paths: `spec.targetRefs[0].name`; map keys join with a dot (`spec.options.example.com/k`). */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/** Turns an ajv instancePath (a JSON pointer) into a Kubernetes field path, using the data to tell list indexes from keys. */
export function pointerToPath(pointer: string, data: unknown): string {
  if (!pointer) return '';
  let path = '';
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const i = Number(seg);
      path = childPath(path, i);
      node = node[i];
    } else {
      path = childPath(path, seg);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

export function valueAt(pointer: string, data: unknown): unknown {
  let node: unknown = data;
  if (!pointer) return node;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
  }
  return node;
}
