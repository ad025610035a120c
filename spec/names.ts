/** Object names derived from a pool's name, shared by the constructs and the spec's uniqueness rules. */

/** The endpoint picker's Deployment, Service, ServiceAccount, RBAC objects and `app` label. */
export function endpointPickerName(poolName: string): string {
  return `${poolName}-epp`;
}
