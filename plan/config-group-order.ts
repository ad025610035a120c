/**
 * The order in which pulumi-kubernetes' `yaml/v2` ConfigGroup creates its objects, as a model the
 * mocks and tests can query.
 *
 * What pulumi-kubernetes does (provider/pkg/provider/yaml/v2/yaml.go, `Register`, v4.x): it builds a
 * dependency graph with sigs.k8s.io/cli-utils `graph.DependencyGraph` and registers every object with
 * `DependsOn` on the objects it depends on; everything else is created in parallel. cli-utils
 * (pkg/object/graph/depends.go) adds an edge
 *  - from an object to each object named in its `config.kubernetes.io/depends-on` annotation;
 *  - from a namespaced object to the Namespace object of its namespace, when the group holds it;
 *  - from a custom resource to the CustomResourceDefinition of its group and kind, when the group holds it.
 * The annotation (pkg/object/dependson/strings.go) is a comma-separated list of references
 * `<group>/namespaces/<namespace>/<kind>/<name>` (namespaced) or `<group>/<kind>/<name>` (cluster-scoped),
 * with the empty group for core kinds (`/namespaces/default/ServiceAccount/reader`). An annotation that
 * does not parse is ignored as a whole (the object then waits for nothing), and references to objects
 * outside the group are dropped (yaml.go registers DependsOn only for objects it registered).
 * Pulumi creates a resource only after its dependencies are created (and, for workloads, ready), so
 * an object waits for everything reachable along these edges.
 */
import type { KubeObject } from '../infra/manifests';

export const DEPENDS_ON_ANNOTATION = 'config.kubernetes.io/depends-on';

/** An object's identity in the graph: group, kind, namespace and name (cli-utils ObjMetadata). */
export interface ObjectRef {
  /** API group; '' for core kinds. @default derived from the kind when omitted in queries: any group */
  readonly group?: string;
  readonly kind: string;
  readonly name: string;
  /** @default '' (cluster-scoped), or any namespace when omitted in queries */
  readonly namespace?: string;
}

export interface OrderedObject {
  readonly ref: Required<ObjectRef>;
  readonly object: KubeObject;
  /** Objects of the same group this one is guaranteed to be created after (transitively). */
  readonly waitsFor: ReadonlySet<string>;
  /** A depends-on annotation that does not parse (the provider ignores it), or undefined. */
  readonly unparsedAnnotation?: string;
}

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

export function refOf(object: KubeObject): Required<ObjectRef> {
  return { group: groupOf(object.apiVersion), kind: object.kind, name: object.metadata?.name ?? '', namespace: object.metadata?.namespace ?? '' };
}

/** The reference string of cli-utils' MarshalObjMetadata, also used as the key of `waitsFor`. */
export function refKey(ref: Required<ObjectRef>): string {
  return ref.namespace === '' ? `${ref.group}/${ref.kind}/${ref.name}` : `${ref.group}/namespaces/${ref.namespace}/${ref.kind}/${ref.name}`;
}

/** Parses a depends-on annotation as cli-utils does, or undefined when any entry is malformed. */
export function parseDependsOn(value: string): Required<ObjectRef>[] | undefined {
  const refs: Required<ObjectRef>[] = [];
  for (const entry of value.split(',')) {
    const fields = entry.trim().split('/');
    if (fields.length === 3 && fields[1] !== '' && fields[2] !== '') {
      refs.push({ group: fields[0], kind: fields[1], name: fields[2], namespace: '' });
    } else if (fields.length === 5 && fields[1] === 'namespaces' && fields[3] !== '' && fields[4] !== '') {
      refs.push({ group: fields[0], namespace: fields[2], kind: fields[3], name: fields[4] });
    } else {
      return undefined;
    }
  }
  return refs;
}

function crdGroupKind(object: KubeObject): string | undefined {
  if (object.kind !== 'CustomResourceDefinition') return undefined;
  const spec = object.spec as { group?: string; names?: { kind?: string } } | undefined;
  return spec?.group !== undefined && spec.names?.kind !== undefined ? `${spec.group}/${spec.names.kind}` : undefined;
}

/** Every object of one ConfigGroup with the set of objects it is guaranteed to wait for. */
export function orderConfigGroup(objects: readonly KubeObject[]): OrderedObject[] {
  const refs = objects.map(refOf);
  const keys = new Set(refs.map(refKey));
  const namespaces = new Map(refs.filter((ref) => ref.kind === 'Namespace' && ref.group === '').map((ref) => [ref.name, refKey(ref)]));
  const crds = new Map<string, string>();
  objects.forEach((object, i) => {
    const groupKind = crdGroupKind(object);
    if (groupKind !== undefined) crds.set(groupKind, refKey(refs[i]));
  });

  const direct = new Map<string, Set<string>>();
  const unparsed = new Map<string, string>();
  objects.forEach((object, i) => {
    const key = refKey(refs[i]);
    const edges = new Set<string>();
    const annotation = object.metadata?.annotations?.[DEPENDS_ON_ANNOTATION];
    if (annotation !== undefined) {
      const parsed = parseDependsOn(annotation);
      if (parsed === undefined) unparsed.set(key, annotation);
      // References outside the group are dropped, as yaml.go does.
      for (const dependency of parsed ?? []) if (keys.has(refKey(dependency))) edges.add(refKey(dependency));
    }
    const namespace = namespaces.get(refs[i].namespace);
    if (refs[i].namespace !== '' && namespace !== undefined) edges.add(namespace);
    const crd = crds.get(`${refs[i].group}/${refs[i].kind}`);
    if (crd !== undefined) edges.add(crd);
    edges.delete(key);
    direct.set(key, edges);
  });

  const closure = (start: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [...(direct.get(start) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(direct.get(next) ?? []));
    }
    return seen;
  };
  return objects.map((object, i) => {
    const key = refKey(refs[i]);
    return { ref: refs[i], object, waitsFor: closure(key), ...(unparsed.has(key) ? { unparsedAnnotation: unparsed.get(key) } : {}) };
  });
}

/** True when `ref` (a query with optional group and namespace) names `candidate`. */
export function matchesRef(ref: ObjectRef, candidate: Required<ObjectRef>): boolean {
  return (
    ref.kind === candidate.kind &&
    ref.name === candidate.name &&
    (ref.group === undefined || ref.group === candidate.group) &&
    (ref.namespace === undefined || ref.namespace === candidate.namespace)
  );
}
