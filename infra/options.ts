import * as pulumi from '@pulumi/pulumi';

/** Child options whose `dependsOn` is always a list, so callers can extend it. */
export type ChildOptions = pulumi.CustomResourceOptions & { readonly dependsOn: pulumi.Input<pulumi.Resource>[] };

/**
 * Options for a component's children: parented to the component and waiting for what the component
 * waits for. Pulumi does not hand a component's `dependsOn` down to its children, and the engine orders
 * only the resources that name their dependencies, so every child repeats them (plus its own `extra`).
 */
export function childOptions(
  parent: pulumi.Resource,
  opts: pulumi.ComponentResourceOptions | undefined,
  extra: readonly pulumi.Input<pulumi.Resource>[] = [],
): ChildOptions {
  const inherited = opts?.dependsOn;
  const list: pulumi.Input<pulumi.Resource>[] = inherited === undefined ? [] : Array.isArray(inherited) ? [...inherited] : [inherited as pulumi.Input<pulumi.Resource>];
  return { parent, dependsOn: [...list, ...extra] };
}

/**
 * Options for a component's invokes (data sources): parented to the component and waiting for what the
 * component waits for. An invoke runs as soon as its own inputs are known, not after the resources
 * around it, so without `dependsOn` a lookup of a Google Cloud API races that API's enablement and a
 * first `pulumi up` in an empty project fails with 403 (see service-apis.ts).
 */
export function invokeOptions(parent: pulumi.Resource, opts: pulumi.ComponentResourceOptions | undefined): pulumi.InvokeOutputOptions {
  return { parent, dependsOn: childOptions(parent, opts).dependsOn };
}
