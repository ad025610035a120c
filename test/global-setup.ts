/**
 * Runs once before the test files: makes the pinned CRD schemas available. With ../shared/schemas (or
 * IGW_SCHEMAS_DIR) this only checks their sha256; on a fresh clone without it, it downloads them (from
 * IGW_SCHEMAS_URL, else upstream) into the cache the tests then read synchronously. Without network or a
 * mirror, the run stops with one line saying how to get them, instead of hundreds of failing tests.
 */
import { loadSchemaTexts, SchemaSourceError } from '../validate/schema-source';

export default async function globalSetup(): Promise<void> {
  try {
    await loadSchemaTexts({ download: true });
  } catch (error) {
    if (!(error instanceof SchemaSourceError)) throw error;
    process.stderr.write(`\nnpm test: ${error.message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
