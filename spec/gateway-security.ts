/**
 * What each GatewayClass can do to secure an InferencePool backend, and the names the Google Cloud objects
 * share between the manifests (which refer to them) and `pulumi up` (which creates them). One table, read by
 * the spec rules, the constructs and the Pulumi program.
 *
 * Sources, read for both classes:
 * - GKE "Gateway security" (docs/concepts/gateway-security) and "Secure a Gateway" (how-to/secure-gateway):
 *   a Gateway terminates TLS with Kubernetes Secrets in `tls.certificateRefs`, with SSL certificates, or with
 *   Certificate Manager; `networking.gke.io/certmap` (a certificate map) is for global Gateways only, and a
 *   regional Gateway names regional Certificate Manager certificates in the HTTPS listener's
 *   `tls.options["networking.gke.io/cert-manager-certs"]`.
 * - Certificate Manager overview and "Deploy certificates" (certificate-manager/docs/overview, /deploy):
 *   regional external and regional internal Application Load Balancers reference certificates directly (no
 *   map), self-managed or Google-managed; "Manage certificates": Google-managed certificates with DNS
 *   authorization exist in global, regional and cross-region locations (load balancer authorization is
 *   global only).
 * - Cloud Armor "Security policy overview" (armor/docs/security-policy-overview): backend security policies
 *   apply to all external Application Load Balancers and to the regional internal Application Load Balancer;
 *   a regional load balancer takes a regional policy. GKE attaches it through GCPBackendPolicy
 *   `default.securityPolicy` ("Configure Gateway resources using Policies", how-to/configure-gateway-resources);
 *   GKE's own controller sets security policies on regional backend services for regional Gateways
 *   (GoogleCloudPlatform/k8s-cloud-provider#172, "support regional Cloud Armor on regional Gateways").
 *   "Rate limiting overview" (armor/docs/rate-limiting-overview): throttle rules keyed on the client IP.
 * - Identity-Aware Proxy: GCPBackendPolicy has `default.iap`, but we found no page that documents IAP for an
 *   InferencePool backend on either class, so the spec has no IAP field (nothing is emitted that GKE may
 *   ignore or refuse).
 * - Model Armor: "Customize GKE Inference Gateway configurations" (how-to/customize-gke-inference-gateway-
 *   configurations, "Configure AI security and safety checks") and Service Extensions "Configure an extension
 *   to call a Google service" (service-extensions/docs/configure-extensions-to-google-services): a
 *   GCPTrafficExtension on the Gateway whose extension calls `modelarmor.<region>.rep.googleapis.com` with the
 *   template ids in `metadata.model_armor_settings`. GKE's "Customize GKE Gateway traffic using Service
 *   Extensions" (how-to/configure-gke-service-extensions) accepts `googleAPIServiceName` on GCPTrafficExtension
 *   only, and Google documents Model Armor for GKE Inference Gateway, whose Gateways are of these two classes.
 */
import type { DeploymentSpec, GatewayClassName } from './types';

export interface GatewayClassSecurity {
  /** How a regional Certificate Manager certificate reaches the HTTPS listener. */
  readonly certificateManager: 'listener-option' | 'certificate-map' | undefined;
  /** Kubernetes Secrets in `tls.certificateRefs`. */
  readonly secretCertificates: boolean;
  /** Scope of the Cloud Armor policy a GCPBackendPolicy names, or undefined where Cloud Armor does not apply. */
  readonly cloudArmor: 'regional' | 'global' | undefined;
  /** Cloud Armor throttle rules. */
  readonly rateLimit: boolean;
  /** Model Armor through a GCPTrafficExtension. */
  readonly modelArmor: boolean;
  /** The load balancer has an internet-facing address. */
  readonly external: boolean;
}

/** The capabilities of the two classes GKE Inference Gateway supports (sources above). */
export const GATEWAY_CLASS_SECURITY: Readonly<Record<GatewayClassName, GatewayClassSecurity>> = {
  'gke-l7-regional-external-managed': {
    certificateManager: 'listener-option',
    secretCertificates: true,
    cloudArmor: 'regional',
    rateLimit: true,
    modelArmor: true,
    external: true,
  },
  'gke-l7-rilb': {
    certificateManager: 'listener-option',
    secretCertificates: true,
    cloudArmor: 'regional',
    rateLimit: true,
    modelArmor: true,
    external: false,
  },
};

/** The Gateway listener option that names regional Certificate Manager certificates. */
export const CERT_MANAGER_CERTS_OPTION = 'networking.gke.io/cert-manager-certs';

/** The HTTPS listener's port. */
export const HTTPS_PORT = 443;

/**
 * Names of the Google Cloud objects, from the cluster name (a DNS label of at most 40 characters): they
 * fit every one of these APIs' name rules (a letter first, then lower-case letters, digits and "-", at most
 * 63 characters), and the cluster name already keeps two stacks of one project apart.
 */
export function securityPolicyName(spec: DeploymentSpec): string {
  return `${spec.cluster.name}-gateway-access`;
}

/**
 * The certificate's name changes with its domains: Certificate Manager cannot change a certificate's
 * domains in place, so a new list means a new certificate, and under a new name `pulumi up` creates it,
 * the Gateway switches to it, and only then the old one is deleted (under the same name the new one could
 * not exist beside the old one, and the old one could not be deleted while the Gateway still uses it).
 */
export function certificateName(spec: DeploymentSpec): string {
  return `${spec.cluster.name}-gateway-cert-${shortHash((spec.gateway.tls?.domains ?? []).join(','))}`;
}

/** The HTTPRoute on the plain HTTP listener that redirects to HTTPS. */
export function httpsRedirectRouteName(spec: DeploymentSpec): string {
  return `${spec.gateway.route.name}-https-redirect`;
}

/** The Model Armor GCPTrafficExtension on the Gateway. */
export function modelArmorExtensionName(spec: DeploymentSpec): string {
  return `${spec.gateway.name}-model-armor`;
}

/**
 * One DNS authorization per domain (Certificate Manager authorizes a domain and its wildcard per record),
 * named after the domain so that adding or removing another domain leaves it, and its DNS record, alone.
 */
export function dnsAuthorizationName(spec: DeploymentSpec, domain: string): string {
  return `${spec.cluster.name}-gateway-dns-${shortHash(domain)}`;
}

/** Eight hex digits of FNV-1a: enough to tell a stack's few domain lists apart, and valid in every name. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

export function modelArmorTemplateId(spec: DeploymentSpec): string {
  return `${spec.cluster.name}-model-armor`;
}

/** The template's resource name, as the traffic extension's metadata names it. */
export function modelArmorTemplatePath(spec: DeploymentSpec): string {
  return `projects/${spec.gateway.modelArmor.project ?? '<project>'}/locations/${spec.cluster.region}/templates/${modelArmorTemplateId(spec)}`;
}

/** Model Armor's regional endpoint, which the load balancer calls (templates live in the same region). */
export function modelArmorService(region: string): string {
  return `modelarmor.${region}.rep.googleapis.com`;
}

/**
 * The traffic extension's `model_armor_settings`: one entry whose `model` is "default", which applies the
 * template to every model the Gateway serves (the form Google's GKE examples use), so a model added to a
 * pool is screened without a change here.
 */
export function modelArmorSettings(spec: DeploymentSpec): string {
  const template = modelArmorTemplatePath(spec);
  return JSON.stringify([{ model: 'default', user_prompt_template_id: template, model_response_template_id: template }]);
}

/**
 * Roles the Service Extensions service agent (`service-<project number>@gcp-sa-dep.iam.gserviceaccount.com`)
 * needs to call Model Armor for the load balancer (Model Armor "Service accounts", model-armor/access-
 * control/service-accounts, "Service Extensions service agent").
 */
export const MODEL_ARMOR_CALLER_ROLES = ['roles/modelarmor.calloutUser', 'roles/modelarmor.user', 'roles/serviceusage.serviceUsageConsumer'] as const;

export function serviceExtensionsAgent(projectNumber: string): string {
  return `service-${projectNumber}@gcp-sa-dep.iam.gserviceaccount.com`;
}
