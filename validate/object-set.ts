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

/** Appends `value` to the list under `key`, creating it. */
function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const NONE: readonly never[] = [];

/**
 * The objects of one run, indexed once so that every lookup a cross-object check makes is a hash lookup:
 * checks then cost time in proportion to the objects, not to their square (a 100-pool run has thousands).
 */
export class ObjectSet {
  readonly entries: readonly Entry[];
  readonly podTemplates: readonly PodTemplate[];
  /** `group/kind/namespace/name`, namespace empty for cluster-scoped objects; the first of duplicates wins. */
  private readonly byKey = new Map<string, Entry>();
  /** `group/kind/name` in any namespace, for lookups that do not name one. */
  private readonly byKindName = new Map<string, Entry[]>();
  private readonly byKind = new Map<string, Entry[]>();
  private readonly byName = new Map<string, Entry[]>();
  private readonly podsByNamespace = new Map<string, PodTemplate[]>();
  /** Pod templates by one `key=value` label pair: a selector's candidates are those of one of its pairs. */
  private readonly podsByLabel = new Map<string, PodTemplate[]>();

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
    for (const entry of entries) {
      const key = `${entry.group}/${entry.kind}/${entry.namespace ?? ''}/${entry.name}`;
      if (!this.byKey.has(key)) this.byKey.set(key, entry);
      push(this.byKindName, `${entry.group}/${entry.kind}/${entry.name}`, entry);
      push(this.byKind, `${entry.group}/${entry.kind}`, entry);
      push(this.byName, entry.name, entry);
    }
    for (const pod of this.podTemplates) {
      push(this.podsByNamespace, pod.namespace, pod);
      for (const [key, value] of Object.entries(pod.labels)) push(this.podsByLabel, `${key}=${value}`, pod);
    }
  }

  /** The object with this group, kind and name, in `namespace` (in any namespace when undefined). */
  find(group: string, kind: string, name: string, namespace: string | undefined): Entry | undefined {
    if (namespace === undefined) return this.byKindName.get(`${group}/${kind}/${name}`)?.[0];
    return this.byKey.get(`${group}/${kind}/${namespace}/${name}`);
  }

  ofKind(group: string, kind: string): readonly Entry[] {
    return this.byKind.get(`${group}/${kind}`) ?? NONE;
  }

  /** Objects of any group and kind with this name in this namespace, for "did you mean" messages. */
  named(name: string, namespace: string | undefined): Entry[] {
    return (this.byName.get(name) ?? NONE).filter((e) => namespace === undefined || e.namespace === undefined || e.namespace === namespace);
  }

  /** Pod templates in `namespace` (all namespaces when undefined) whose labels satisfy `matches`. */
  pods(matches: (labels: Readonly<Record<string, string>>) => boolean, namespace: string | undefined): PodTemplate[] {
    const candidates = namespace === undefined ? this.podTemplates : (this.podsByNamespace.get(namespace) ?? NONE);
    return candidates.filter((pod) => matches(pod.labels));
  }

  /**
   * Pod templates a label selector picks in `namespace` (all when undefined): a `matchLabels`-style map, or
   * a metav1.LabelSelector when `labelSelector` is true. Selectors with equality pairs start from the
   * index of their rarest pair; only a selector of expressions alone scans the namespace.
   */
  podsSelectedBy(selector: unknown, namespace: string | undefined, labelSelector = false): PodTemplate[] {
    const equality = stringMap(labelSelector ? asRecord(selector).matchLabels : selector);
    const matches = labelSelector
      ? (labels: Readonly<Record<string, string>>) => matchesSelector(selector, labels)
      : (labels: Readonly<Record<string, string>>) => matchesLabels(equality, labels);
    const pairs = Object.entries(equality);
    if (pairs.length === 0) return labelSelector ? this.pods(matches, namespace) : [];
    let candidates: readonly PodTemplate[] | undefined;
    for (const [key, value] of pairs) {
      const list = this.podsByLabel.get(`${key}=${value}`) ?? NONE;
      if (candidates === undefined || list.length < candidates.length) candidates = list;
    }
    return (candidates ?? NONE).filter((pod) => (namespace === undefined || pod.namespace === namespace) && matches(pod.labels));
  }
}

export { stringMap };
