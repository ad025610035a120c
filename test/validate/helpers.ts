/** Shared fixtures: the default synth output in memory, and small mutation helpers. */
import { buildApp, MANIFEST_EXTENSION } from '../../charts-gen/app';
import { resolveSpec, type DeploymentSpec } from '../../spec';
import { validatorSchemaTexts, validateWithSchemas, type Problem, type SourcedObject, type ValidationReport } from '../../validate';

export const schemas = validatorSchemaTexts();
export const defaultSpec = resolveSpec({}, 'defaults');

type Json = Record<string, unknown>;

/** Synth output as objects, labelled with the file each chart would be written to. */
export function synthObjects(spec: DeploymentSpec = defaultSpec): SourcedObject[] {
  return buildApp(spec, '/nonexistent').charts.flatMap((chart) =>
    chart.toJson().map((object: unknown) => ({ file: `${chart.node.id}${MANIFEST_EXTENSION}`, object: structuredClone(object) })),
  );
}

export function validate(objects: readonly SourcedObject[], spec: DeploymentSpec | undefined = defaultSpec): ValidationReport {
  return validateWithSchemas(objects, schemas, { spec });
}

/** The object of `kind` (and `name`, when given); throws when absent so a test cannot pass vacuously. */
export function find(objects: readonly SourcedObject[], kind: string, name?: string): Json {
  const hit = objects.find((o) => {
    const object = o.object as Json;
    return object.kind === kind && (name === undefined || (object.metadata as Json).name === name);
  });
  if (!hit) throw new Error(`no ${kind}${name ? `/${name}` : ''} in the synth output`);
  return hit.object as Json;
}

export function remove(objects: SourcedObject[], kind: string, name?: string): SourcedObject[] {
  const target = find(objects, kind, name);
  return objects.filter((o) => o.object !== target);
}

/** Problems rendered as `Kind/name: path: message` for readable assertions. */
export function lines(report: ValidationReport): string[] {
  return report.problems.map((p: Problem) => `${p.kind}/${p.name}: ${p.path}: ${p.message}`);
}

export const POOL = 'vllm-llama3-8b-instruct';
