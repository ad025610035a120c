/**
 * ObjectMeta checks the API server makes on every kind: a name of the right shape, a namespace exactly
 * when the kind is namespaced, and well-formed label and annotation keys and label values. CRD schemas
 * say nothing about `metadata`, so without this a custom resource named `My_Pool` would pass.
 */
import { asRecord, asString, childPath, isRecord, show } from './types';
import type { StructuralIssue } from './structural';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export type NameRule = 'dns-subdomain' | 'dns-label-1035' | 'path-segment';

/** RBAC objects may use `:` (system:..., gmp-system:collector:...); Services become DNS labels. */
export function nameRuleFor(kind: string): NameRule {
  if (['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].includes(kind)) return 'path-segment';
  if (kind === 'Service') return 'dns-label-1035';
  return 'dns-subdomain';
}

function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'path-segment':
      return name === '.' || name === '..' || /[/%]/.test(name) ? 'must not be "." or ".." and must not contain "/" or "%"' : undefined;
    case 'dns-label-1035':
      return name.length > 63 || !DNS_1035_LABEL.test(name) ? 'must be a DNS-1035 label (lower case letters, digits and "-", starting with a letter, at most 63 characters)' : undefined;
    case 'dns-subdomain':
      return name.length > 253 || !DNS_SUBDOMAIN.test(name) ? 'must be a DNS-1123 subdomain (lower case letters, digits, "-" and ".", at most 253 characters)' : undefined;
  }
}

function qualifiedKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'must have at most one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return 'prefix must be a DNS-1123 subdomain';
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return 'name part must be at most 63 alphanumeric characters, "-", "_" or "." and start and end alphanumeric';
  return undefined;
}

export function checkMetadata(object: Record<string, unknown>, kind: string, namespaced: boolean): StructuralIssue[] {
  const issues: StructuralIssue[] = [];
  if (!isRecord(object.metadata)) return [{ path: 'metadata', message: 'is required' }];
  const metadata = asRecord(object.metadata);
  const name = asString(metadata.name);
  if (name === undefined) issues.push({ path: 'metadata.name', message: 'is required' });
  else {
    const problem = nameProblem(name, nameRuleFor(kind));
    if (problem) issues.push({ path: 'metadata.name', message: `${problem}; got ${show(name)}` });
  }
  const namespace = metadata.namespace;
  if (namespace !== undefined) {
    if (!namespaced) issues.push({ path: 'metadata.namespace', message: `must not be set: ${kind} is cluster-scoped` });
    else if (typeof namespace !== 'string' || namespace.length > 63 || !DNS_LABEL.test(namespace)) {
      issues.push({ path: 'metadata.namespace', message: `must be a DNS-1123 label; got ${show(namespace)}` });
    }
  }
  for (const field of ['labels', 'annotations'] as const) {
    const map = metadata[field];
    if (map === undefined) continue;
    if (!isRecord(map)) {
      issues.push({ path: `metadata.${field}`, message: `must be a map of strings; got ${show(map)}` });
      continue;
    }
    for (const [key, value] of Object.entries(map)) {
      const path = childPath(`metadata.${field}`, key);
      const keyProblem = qualifiedKeyProblem(key);
      if (keyProblem) issues.push({ path, message: `key ${keyProblem}` });
      if (typeof value !== 'string') issues.push({ path, message: `must be a string; got ${show(value)}` });
      else if (field === 'labels' && value !== '' && (value.length > 63 || !QUALIFIED_NAME.test(value))) {
        issues.push({ path, message: `label value must be at most 63 alphanumeric characters, "-", "_" or "."; got ${show(value)}` });
      }
    }
  }
  return issues;
}
