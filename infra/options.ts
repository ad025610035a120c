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
