/** What every cross-object check receives: the object set, a way to report, and the optional spec. */
import { ENDPOINT_PICKER_PORTS, MODEL_NAME_HEADER, OBJECTIVE_HEADER } from '../../charts-gen/well-known';
import type { DeploymentSpec } from '../../spec';
import type { Entry, ObjectSet } from '../object-set';

export type Report = (entry: Entry, path: string, message: string) => void;

/** A Secret or ConfigMap that exists in the cluster but is deliberately not part of the manifests. */
export interface ExternalRef {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  /** @default any namespace */
  readonly namespace?: string;
}

export interface CheckContext {
  readonly set: ObjectSet;
  readonly report: Report;
  readonly spec?: DeploymentSpec;
  readonly externals: readonly ExternalRef[];
}

export const INFERENCE_GROUPS = ['inference.networking.x-k8s.io', 'inference.networking.k8s.io'];
export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** The port GKE assumes for an InferencePool's extension when `portNumber` is left out. */
export const DEFAULT_EXTENSION_PORT = ENDPOINT_PICKER_PORTS.grpc;
/** The header body-based routing sets from the request body's `model`, for HTTPRoutes to match on. */
export { MODEL_NAME_HEADER };
/** The header naming a request's InferenceObjective for the GA picker. */
export { OBJECTIVE_HEADER };
