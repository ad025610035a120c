/** The deployment spec: types, defaults, validation and loading. Both charts-gen/ and infra/ import it. */
export * from './types';
export * from './versions';
export * from './metrics';
export * from './names';
export * from './derived';
export { registerObjectNames } from './object-names';
export * from './autoscaling';
export * from './image-mirror';
export * from './weights';
export * from './cold-start';
export { DEFAULT_SPEC, DEFAULT_HF_TOKEN_SECRET, GUIDE_POOL_NAME, A3_MACHINE_TYPES } from './defaults';
export { scaleMemory } from './machines';
export { drainSeconds, minimumGracePeriodSeconds, recommendedGracePeriodSeconds } from './drain';
export type { SpecIssue } from './fields';
export { SpecError, formatIssues, loadSpecFile, loadSpecFromEnvironment, parseSpec, resolveSpec, SPEC_FILE_VARIABLE } from './load';
export { specJsonSchema } from './json-schema';
export * from './gateway-security';
export { exposureSection, exposureWarnings } from './exposure';
