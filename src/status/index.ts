/** The status writer's pure core: the only entry point the CLI, the controller and the benchmark import. */
export * from './api-types.js';
export * from './reasons.js';
export * from './snapshot.js';
export { buildAncestorIndex, routeEdges, grantAllows, type AncestorIndex } from './ancestors.js';
export { validateCaRef, parseBundle, DEFAULT_CA_KINDS, CA_KEY, type CaKind, type RefVerdict } from './ca-bundle.js';
export { buildConflictIndex, policyKey, type ConflictIndex } from './conflicts.js';
export { formatTime } from './conditions.js';
export { mergeStatus, type MergeResult } from './merge.js';
export { statusEqual } from './equal.js';
export { createResolver, resolveStatus, type ResolveOptions, type PolicyResult, type Resolver, type AncestorKind } from './resolve.js';
export { buildDependencyIndex, type DependencyIndex, type ChangedObject, type DependencyKind } from './dependencies.js';
