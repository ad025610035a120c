/**
 * The pinned upstream CRD files themselves, for the tests of where they come from (`npm run schemas`,
 * `npm run import`, the IGW_SCHEMAS_* variables). They are found where schema-source.ts looks without
 * downloading: IGW_SCHEMAS_DIR, ../shared/schemas, or the cache. A fresh clone offline has none of these;
 * those tests are then skipped, and everything else reads the committed schema bundle.
 */
import { loadSchemaTextsSync, SchemaSourceError, type SchemaTexts } from '../validate';

function find(): SchemaTexts | undefined {
  try {
    return loadSchemaTextsSync();
  } catch (error) {
    if (error instanceof SchemaSourceError) return undefined;
    throw error;
  }
}

export const pinnedSources: SchemaTexts | undefined = find();

/** `describe`, or `describe.skip` with the reason in its name when the pinned files are not at hand. */
export const describeWithSources = (name: string, body: () => void): void =>
  pinnedSources ? describe(name, body) : describe.skip(`${name} (skipped: no pinned CRD files offline; the schema bundle stands in)`, body);
