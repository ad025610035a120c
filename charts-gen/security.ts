/**
 * Pod and container security settings. Every container drops all capabilities, cannot gain privileges
 * and runs under the runtime's default seccomp profile; it runs as a non-root user where its image allows
 * it (the distroless endpoint pickers and router run as UID 65532). vLLM and the lora-syncer images have
 * no USER and write under /root, so they keep their image's user.
 */
import type { k8s } from 'cdk8s-plus-30';
import { DISTROLESS_NONROOT_UID } from './well-known';

/** Pod-level: the default seccomp profile for every container of the pod. */
export const RUNTIME_DEFAULT_SECCOMP: k8s.PodSecurityContext = { seccompProfile: { type: 'RuntimeDefault' } };

export interface ContainerSecurityProps {
  /** Run as this non-root UID. @default the image's user */
  readonly runAsUser?: number;
  /** The container writes nothing to its own filesystem. @default false */
  readonly readOnlyRootFilesystem?: boolean;
}

export function containerSecurity(props: ContainerSecurityProps = {}): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    ...(props.readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
    ...(props.runAsUser !== undefined ? { runAsNonRoot: true, runAsUser: props.runAsUser, runAsGroup: props.runAsUser } : {}),
  };
}

/** A static Go binary on distroless `:nonroot` that writes nothing (its TLS certificate lives in memory). */
export const DISTROLESS_CONTAINER = containerSecurity({ runAsUser: DISTROLESS_NONROOT_UID, readOnlyRootFilesystem: true });
