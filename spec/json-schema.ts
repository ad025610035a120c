import { DEFAULT_SPEC } from './defaults';
import { toJsonSchema } from './fields';
import { SPEC_FIELD } from './schema';

/** Stable path of the generated JSON Schema, for editors (`# yaml-language-server: $schema=...`). */
export const SPEC_JSON_SCHEMA_PATH = 'spec/deployment-spec.schema.json';

export function specJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:inference-gateway:deployment-spec',
    title: 'GKE Inference Gateway deployment spec',
    ...toJsonSchema(SPEC_FIELD, DEFAULT_SPEC),
  };
}
