/**
 * Validation of one custom resource against its pinned CRD version: defaults, JSON Schema value
 * validations (ajv), structural pruning and list types, and CEL rules at the level they are declared.
 */
import { compileRule, evaluateRule, MESSAGE_EXPRESSION_NOTE } from './cel';
import { verdictKey, type Verdict, VerdictCache } from './cel-cache';
import { toCelValue } from './cel-values';
import type { CrdVersion } from './crds';
import { schemaErrors, type OpenApiSchema } from './openapi';
import { applyDefaults, checkStructure, type StructuralIssue } from './structural';
import type { SkippedRule } from './types';

export interface ResourceIssues {
  readonly issues: StructuralIssue[];
  readonly skipped: SkippedRule[];
  /** The object with its CRD defaults applied, as the API server would store it. */
  readonly defaulted: unknown;
}

/** A rule's `fieldPath` (`.port`, `.spec.x`) narrows where its failure is reported. */
function withFieldPath(path: string, fieldPath: string | undefined): string {
  if (!fieldPath) return path === '' ? '(object)' : path;
  const suffix = fieldPath.startsWith('.') || fieldPath.startsWith('[') ? fieldPath : `.${fieldPath}`;
  return path === '' ? suffix.replace(/^\./, '') : `${path}${suffix}`;
}

/** A rule's verdict for one value, computed with @bufbuild/cel only when the cache does not know it. */
function ruleVerdict(rule: string, value: unknown, schema: OpenApiSchema): Verdict {
  const compiled = compileRule(rule);
  if (compiled.kind !== 'evaluate') return compiled;
  const outcome = evaluateRule(compiled.program, toCelValue(value, schema));
  return outcome.ok ? { kind: 'ok' } : { kind: 'fail', message: outcome.message };
}

export function validateCustomResource(object: unknown, crd: CrdVersion, verdicts: VerdictCache = new VerdictCache()): ResourceIssues {
  const defaulted = applyDefaults(object, crd.schema);
  const issues: StructuralIssue[] = schemaErrors(crd.schema, defaulted).filter((e) => !e.path.startsWith('metadata'));
  const skipped: SkippedRule[] = [];
  const crdLabel = `${crd.crdName} ${crd.version}`;
  checkStructure(defaulted, crd.schema, '', issues, (path, value, schema: OpenApiSchema) => {
    for (const validation of schema['x-kubernetes-validations'] ?? []) {
      if (validation.messageExpression !== undefined) {
        skipped.push({ crd: crdLabel, path: path || '(object)', rule: validation.messageExpression, reason: MESSAGE_EXPRESSION_NOTE });
      }
      const verdict = verdicts.verdict(verdictKey(crdLabel, path, validation.rule, value), () => ruleVerdict(validation.rule, value, schema));
      if (verdict.kind === 'transition' || verdict.kind === 'ok') continue;
      if (verdict.kind === 'skip') {
        skipped.push({ crd: crdLabel, path: path || '(object)', rule: validation.rule, reason: verdict.reason });
        continue;
      }
      const where = withFieldPath(path, validation.fieldPath);
      if (verdict.kind === 'unknown') {
        issues.push({ path: where, message: `CEL rule ${JSON.stringify(validation.rule)} ${verdict.reason}; teach validate/cel.ts about it` });
        continue;
      }
      const stated = validation.message ?? `failed rule: ${validation.rule}`;
      const detail = verdict.message === 'rule is false' ? '' : ` (${verdict.message}; rule: ${validation.rule})`;
      issues.push({ path: where, message: `${stated}${detail}` });
    }
  });
  return { issues, skipped, defaulted };
}
