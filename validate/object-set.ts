/**
 * The whole set of objects of a run, indexed for cross-object checks: lookups by group, kind, namespace
 * and name, the pod templates of workloads, and label selector matching.
 */
import { asArray, asRecord, asString, isRecord, type JsonRecord } from './types';

export interface Entry {
  readonly file: string;
  /** The object as the API server would store it: custom resources with their CRD defaults applied. */
  readonly object: JsonRecord;
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** Undefined for cluster-scoped objects. */
  readonly namespace: string | undefined;
}

export interface PodTemplate {
  readonly owner: Entry;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: JsonRecord;
  /** Path of `spec` inside the owner, for example `spec.template.spec`. */
  readonly path: string;
  readonly namespace: string;
}

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
}

function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(asRecord(value)).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** `matchLabels`-style equality: every pair present in `labels`. An empty selector matches nothing here. */
export function matchesLabels(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  const pairs = Object.entries(selector);
  return pairs.length > 0 && pairs.every(([key, value]) => labels[key] === value);
}

/** A metav1.LabelSelector (matchLabels and matchExpressions). */
export function matchesSelector(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  const record = asRecord(selector);
  const matchLabels = stringMap(record.matchLabels);
  const expressions = asArray(record.matchExpressions).map(asRecord);
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return false;
  if (!Object.entries(matchLabels).every(([key, value]) => labels[key] === value)) return false;
  return expressions.every((expression) => {
    const key = asString(expression.key) ?? '';
    const values = asArray(expression.values).filter((v): v is string => typeof v === 'string');
    switch (expression.operator) {
      case 'In':
        return key in labels && values.includes(labels[key]);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        return false;
    }
  });
}

/** Kinds whose `spec.template` is a pod template. */
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

export class ObjectSet {
  readonly entries: readonly Entry[];
  readonly podTemplates: readonly PodTemplate[];

  constructor(entries: readonly Entry[]) {
    this.entries = entries;
    this.podTemplates = entries.flatMap((entry) => {
      const namespace = entry.namespace ?? 'default';
      if (entry.kind === 'Pod' && entry.group === '') {
        return [{ owner: entry, labels: stringMap(asRecord(entry.object.metadata).labels), spec: asRecord(entry.object.spec), path: 'spec', namespace }];
      }
      if (!WORKLOADS.has(entry.kind) || !['apps', 'batch'].includes(entry.group)) return [];
      const template = asRecord(asRecord(entry.object.spec).template);
      if (!isRecord(template.spec)) return [];
      return [{ owner: entry, labels: stringMap(asRecord(template.metadata).labels), spec: template.spec, path: 'spec.template.spec', namespace }];
    });
  }

  find(group: string, kind: string, name: string, namespace: string | undefined): Entry | undefined {
    return this.entries.find((e) => e.group === group && e.kind === kind && e.name === name && (namespace === undefined || e.namespace === namespace));
  }

  ofKind(group: string, kind: string): Entry[] {
    return this.entries.filter((e) => e.group === group && e.kind === kind);
  }

  /** Objects of any group and kind with this name in this namespace, for "did you mean" messages. */
  named(name: string, namespace: string | undefined): Entry[] {
    return this.entries.filter((e) => e.name === name && (namespace === undefined || e.namespace === undefined || e.namespace === namespace));
  }

  /** Pod templates in `namespace` (all namespaces when undefined) whose labels satisfy `matches`. */
  pods(matches: (labels: Readonly<Record<string, string>>) => boolean, namespace: string | undefined): PodTemplate[] {
    return this.podTemplates.filter((pod) => (namespace === undefined || pod.namespace === namespace) && matches(pod.labels));
  }
}

export { stringMap };
