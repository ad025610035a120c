/**
 * The schema bundle: what the validator, the tests and synth's CRD folder need from the pinned upstream
 * CRDs, derived by `npm run schemas -- --update` and committed in `schemas/bundle.json` like `imports/`,
 * so a fresh clone validates and tests offline, without ../shared and without the network.
 *
 * Derived, not copied: each CRD keeps its apiVersion, kind, metadata and spec, with every `description`
 * of its OpenAPI schema removed (what `kubectl explain` shows and nothing checks: about four fifths of the
 * bytes). The bundle names the pinned file each CRD came from with that file's sha256, and is trusted only
 * while those rows equal `PINNED_SCHEMAS`: moving a pin without regenerating the bundle is an error that
 * says which command to run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PINNED_SCHEMAS, type PinnedSchema } from './pinned-schemas';
import {
  loadSchemaTexts,
  loadSchemaTextsSync,
  projectRoot,
  SCHEMAS_DIR_VARIABLE,
  SCHEMAS_URL_VARIABLE,
  SchemaSourceError,
  sha256,
  type SchemaSourceOptions,
  type SchemaTexts,
} from './schema-source';

/** Where the bundle lives, relative to the project root. */
export const SCHEMA_BUNDLE_PATH = 'schemas/bundle.json';
export const SCHEMA_BUNDLE_FORMAT = 1;
export const UPDATE_COMMAND = 'npm run schemas -- --update';

/** A CustomResourceDefinition as the bundle keeps it (and synth writes it into crds/, with labels and annotations added). */
export interface BundledCrd {
  readonly apiVersion: string;
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string; readonly annotations?: Readonly<Record<string, string>>; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: Readonly<Record<string, unknown>>;
}

export interface SchemaBundle {
  readonly format: number;
  readonly generatedBy: string;
  /** The pinned files the CRDs were derived from, in PINNED_SCHEMAS order. */
  readonly sources: readonly PinnedSchema[];
  /** Pinned file (mirror-relative path) -> its CRDs, compacted. */
  readonly crds: Readonly<Record<string, readonly BundledCrd[]>>;
}

const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;

/** An OpenAPI v3 schema without its descriptions, walked node by node (a property may be called `description`). */
export function withoutDescriptions(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') continue;
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, withoutDescriptions(property)]));
    } else if (key === 'items' || key === 'not' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = Array.isArray(value) ? value.map(withoutDescriptions) : withoutDescriptions(value);
    } else if ((SCHEMA_LISTS as readonly string[]).includes(key) && Array.isArray(value)) {
      out[key] = value.map(withoutDescriptions);
    } else {
      out[key] = value;
    }
  }
  return out;
}

export function compactCrd(document: Record<string, unknown>, file: string): BundledCrd {
  const metadata = (document.metadata ?? {}) as Record<string, unknown>;
  const spec = (document.spec ?? {}) as Record<string, unknown>;
  if (typeof metadata.name !== 'string' || !Array.isArray(spec.versions)) throw new SchemaSourceError(`${file}: a CustomResourceDefinition without a name or versions`);
  const versions = spec.versions.map((version: Record<string, unknown>) => {
    const schema = (version.schema ?? {}) as Record<string, unknown>;
    return schema.openAPIV3Schema === undefined ? version : { ...version, schema: { ...schema, openAPIV3Schema: withoutDescriptions(schema.openAPIV3Schema) } };
  });
  const kept: Record<string, unknown> = { name: metadata.name };
  if (metadata.annotations !== undefined) kept.annotations = metadata.annotations;
  if (metadata.labels !== undefined) kept.labels = metadata.labels;
  return { apiVersion: String(document.apiVersion), kind: 'CustomResourceDefinition', metadata: kept as BundledCrd['metadata'], spec: { ...spec, versions } };
}

/** The bundle of the pinned files' texts (each already checked against its sha256 by the loader). */
export function buildSchemaBundle(texts: SchemaTexts): SchemaBundle {
  // Loaded here only: synth and the validator read the bundle (JSON) and never need a YAML parser for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const parse = (text: string) => (require('yaml') as typeof import('yaml')).parseAllDocuments(text);
  const crds: Record<string, BundledCrd[]> = {};
  for (const schema of PINNED_SCHEMAS) {
    const text = texts.get(schema.file);
    if (text === undefined) throw new SchemaSourceError(`${schema.file}: missing from the pinned files`);
    if (sha256(text) !== schema.sha256) throw new SchemaSourceError(`${schema.file}: sha256 ${sha256(text)} does not match the pinned ${schema.sha256}`);
    crds[schema.file] = parse(text)
      .map((document) => document.toJS() as Record<string, unknown> | null)
      .filter((document): document is Record<string, unknown> => document?.kind === 'CustomResourceDefinition')
      .map((document) => compactCrd(document, schema.file));
  }
  return { format: SCHEMA_BUNDLE_FORMAT, generatedBy: UPDATE_COMMAND, sources: PINNED_SCHEMAS.map((schema) => ({ ...schema })), crds };
}

/** The bundle as committed: one line per source row and per pinned file's CRDs, so a moved pin is a small diff. */
export function bundleText(bundle: SchemaBundle): string {
  const lines = [
    '{',
    `  "format": ${bundle.format},`,
    `  "generatedBy": ${JSON.stringify(bundle.generatedBy)},`,
    '  "sources": [',
    bundle.sources.map((source) => `    ${JSON.stringify(source)}`).join(',\n'),
    '  ],',
    '  "crds": {',
    Object.entries(bundle.crds).map(([file, crds]) => `    ${JSON.stringify(file)}: ${JSON.stringify(crds)}`).join(',\n'),
    '  }',
    '}',
  ];
  return `${lines.join('\n')}\n`;
}

/** Why `bundle` cannot stand for the pinned files, or undefined when its rows are exactly PINNED_SCHEMAS. */
export function bundleMismatch(bundle: Partial<SchemaBundle>): string | undefined {
  if (bundle.format !== SCHEMA_BUNDLE_FORMAT) return `format ${String(bundle.format)}, this version reads format ${SCHEMA_BUNDLE_FORMAT}`;
  const sources = Array.isArray(bundle.sources) ? bundle.sources : [];
  const recorded = new Map(sources.map((source) => [source?.file, source]));
  for (const schema of PINNED_SCHEMAS) {
    const source = recorded.get(schema.file);
    if (source === undefined) return `${schema.file} is pinned but not in the bundle`;
    if (source.sha256 !== schema.sha256 || source.ref !== schema.ref) return `${schema.file} is in the bundle at ${String(source.ref)} (sha256 ${String(source.sha256)}), pinned at ${schema.ref} (sha256 ${schema.sha256})`;
    if (!Array.isArray(bundle.crds?.[schema.file])) return `${schema.file} has no CRDs in the bundle`;
  }
  if (sources.length !== PINNED_SCHEMAS.length) return `the bundle holds ${sources.length} files, ${PINNED_SCHEMAS.length} are pinned`;
  return undefined;
}

let loaded: { readonly path: string; readonly bundle: SchemaBundle; texts?: SchemaTexts } | undefined;

/** The committed bundle, checked against PINNED_SCHEMAS; read once per process. */
export function readSchemaBundle(root: string = projectRoot()): SchemaBundle {
  return loadBundle(root).bundle;
}

function loadBundle(root: string): NonNullable<typeof loaded> {
  const path = join(root, SCHEMA_BUNDLE_PATH);
  if (loaded?.path === path) return loaded;
  if (!existsSync(path)) throw new SchemaSourceError(`${SCHEMA_BUNDLE_PATH} is missing; run ${UPDATE_COMMAND} (it needs ../shared/schemas, IGW_SCHEMAS_DIR, IGW_SCHEMAS_URL or network access once)`);
  let bundle: SchemaBundle;
  try {
    bundle = JSON.parse(readFileSync(path, 'utf8')) as SchemaBundle;
  } catch {
    throw new SchemaSourceError(`${SCHEMA_BUNDLE_PATH} is not JSON; restore it from git or run ${UPDATE_COMMAND}`);
  }
  const mismatch = bundleMismatch(bundle);
  if (mismatch) throw new SchemaSourceError(`${SCHEMA_BUNDLE_PATH} does not match validate/pinned-schemas.ts (${mismatch}); run ${UPDATE_COMMAND}`);
  loaded = { path, bundle };
  return loaded;
}

/** The bundle's CRDs as schema texts (one JSON array per pinned file), the form the validator reads. */
export function bundledSchemaTexts(root: string = projectRoot()): SchemaTexts {
  const entry = loadBundle(root);
  // Made on first use only: synth reads a few CRDs and never needs the texts.
  entry.texts ??= new Map(PINNED_SCHEMAS.map((schema) => [schema.file, JSON.stringify(entry.bundle.crds[schema.file])]));
  return entry.texts;
}

/** The pinned file a bundled CRD comes from, by the CRD's name. */
export function bundledCrdSource(name: string, root: string = projectRoot()): PinnedSchema | undefined {
  const { bundle } = loadBundle(root);
  return bundle.sources.find((source) => bundle.crds[source.file]?.some((crd) => crd.metadata.name === name));
}

/** The CRDs of one pinned file, as the bundle keeps them. */
export function bundledCrds(file: string, root: string = projectRoot()): readonly BundledCrd[] {
  const crds = loadBundle(root).bundle.crds[file];
  if (crds === undefined) throw new SchemaSourceError(`${file} is not a pinned schema file`);
  return crds;
}

/** True when the environment names a schema mirror explicitly (IGW_SCHEMAS_DIR or IGW_SCHEMAS_URL). */
function namesMirror(options: SchemaSourceOptions): boolean {
  const env = options.env ?? process.env;
  return env[SCHEMAS_DIR_VARIABLE] !== undefined || env[SCHEMAS_URL_VARIABLE] !== undefined;
}

/**
 * The schemas the validator checks against: the committed bundle, offline; or, when IGW_SCHEMAS_DIR or
 * IGW_SCHEMAS_URL names a mirror, the pinned files from there (to validate against a mirror you trust
 * more than the bundle). Synchronous: a URL mirror is read from its cache only.
 */
export function validatorSchemaTexts(options: SchemaSourceOptions = {}): SchemaTexts {
  return namesMirror(options) ? loadSchemaTextsSync(options) : bundledSchemaTexts(options.projectRoot);
}

/** As validatorSchemaTexts, downloading from a URL mirror what its cache lacks when `download` allows. */
export async function loadValidatorSchemaTexts(options: SchemaSourceOptions = {}): Promise<SchemaTexts> {
  return namesMirror(options) ? loadSchemaTexts(options) : bundledSchemaTexts(options.projectRoot);
}
