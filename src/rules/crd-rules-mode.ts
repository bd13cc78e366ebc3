/**
 * Whether an engine checks the CRD's own schema and CEL rules (see `EngineOptions.crdRules`). Its own module
 * so that the CLI can validate the flag without loading the engine.
 */
export type CrdRulesMode = 'enforce' | 'skip' | 'auto';
export const crdRulesModes: readonly CrdRulesMode[] = ['auto', 'enforce', 'skip'];
