/** The offline manifest validator: schema, CEL and cross-object checks over synthesized Kubernetes objects. */
export { main } from './cli';
export { KUBERNETES_ONLY_CEL, MESSAGE_EXPRESSION_NOTE } from './cel';
export type { ExternalRef } from './checks/context';
export { CORE_KINDS } from './core-kinds';
export { PINNED_SCHEMAS, VALIDATION_ONLY_SCHEMAS, upstreamUrl, type PinnedSchema } from './pinned-schemas';
export { bundledCrds, bundledSchemaTexts, loadValidatorSchemaTexts, readSchemaBundle, SCHEMA_BUNDLE_PATH, validatorSchemaTexts, type BundledCrd } from './schema-bundle';
export {
  SCHEMAS_CACHE_VARIABLE,
  SCHEMAS_DIR_VARIABLE,
  SCHEMAS_URL_VARIABLE,
  SchemaSourceError,
  loadSchemaTexts,
  loadSchemaTextsSync,
  resolveSchemaFiles,
  schemaOrigin,
  type SchemaOrigin,
  type SchemaTexts,
} from './schema-source';
export { formatProblem, type Problem, type SkippedRule, type SourcedObject } from './types';
export {
  HF_TOKEN_SECRET,
  ManifestReadError,
  defaultExternals,
  readManifestDirectory,
  validateDirectory,
  validateObjects,
  validateObjectsSync,
  validateWithSchemas,
  type ValidateOptions,
  type ValidationReport,
} from './validator';
