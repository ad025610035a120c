/** `npm run schema`: writes the spec's JSON Schema (for editors) to its stable path. */
import { writeFileSync } from 'node:fs';
import { SPEC_JSON_SCHEMA_PATH, specJsonSchema } from './json-schema';

export function renderSpecJsonSchema(): string {
  return `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
}

export function main(): number {
  writeFileSync(SPEC_JSON_SCHEMA_PATH, renderSpecJsonSchema());
  process.stdout.write(`wrote ${SPEC_JSON_SCHEMA_PATH}\n`);
  return 0;
}
