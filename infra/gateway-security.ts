/**
 * The Google Cloud half of a secure Gateway: the Certificate Manager certificate its HTTPS listener names,
 * the Cloud Armor policy its GCPBackendPolicies name, and the Model Armor template its GCPTrafficExtension
 * names, with the grants that let the load balancer call Model Armor. The manifests refer to each by the
 * name spec/gateway-security.ts derives, so the two halves agree by construction. Which of these each
 * GatewayClass supports, and the pages that say so, are in spec/gateway-security.ts.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import {
  certificateName,
  dnsAuthorizationName,
  MODEL_ARMOR_CALLER_ROLES,
  modelArmorTemplateId,
  securityPolicyName,
  serviceExtensionsAgent,
  type DeploymentSpec,
  type GatewayAccessSpec,
  type ModelArmorLevel,
  type ModelArmorSpec,
} from '../spec';
import { childOptions, invokeOptions } from './options';
import { API } from './service-apis';

export interface GatewaySecurityArgs {
  readonly spec: DeploymentSpec;
  /** Project of the cluster, its load balancer and these resources. */
  readonly project: string;
}

/** One DNS record the user must create so that Certificate Manager can issue the certificate. */
export interface DnsRecord {
  readonly name: string;
  readonly type: string;
  readonly data: string;
}

/** Cloud Armor takes at most 10 source ranges in one rule's basic match (srcIpRanges). */
export const RANGES_PER_RULE = 10;
/** The rule every policy has: it applies when no other rule matches. */
export const DEFAULT_RULE_PRIORITY = 2147483647;
/** Our rules start here, one per 10 ranges; lower numbers are evaluated first. */
export const FIRST_RULE_PRIORITY = 1000;

/**
 * The policy's rules: the allowed ranges (throttled per client IP when a rate limit is set), then the
 * default rule, which denies everyone else with 403. A throttle rule allows what conforms and answers
 * 429 above the threshold (Cloud Armor "Rate limiting overview": throttle, enforceOnKey IP).
 */
export function securityPolicyRules(access: GatewayAccessSpec): gcp.types.input.compute.RegionSecurityPolicyRule[] {
  const chunks: string[][] = [];
  for (let i = 0; i < access.allowedSourceRanges.length; i += RANGES_PER_RULE) chunks.push(access.allowedSourceRanges.slice(i, i + RANGES_PER_RULE));
  const allowed = chunks.map((ranges, index): gcp.types.input.compute.RegionSecurityPolicyRule => {
    const match = { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ranges } };
    const priority = FIRST_RULE_PRIORITY + index;
    if (access.rateLimit === undefined) return { priority, action: 'allow', match, description: 'allowed clients' };
    return {
      priority,
      action: 'throttle',
      match,
      description: 'allowed clients, throttled per IP',
      rateLimitOptions: {
        conformAction: 'allow',
        exceedAction: 'deny(429)',
        enforceOnKey: 'IP',
        rateLimitThreshold: { count: access.rateLimit.requestsPerMinute, intervalSec: 60 },
      },
    };
  });
  const denyRest = { priority: DEFAULT_RULE_PRIORITY, action: 'deny(403)', match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } }, description: 'everyone else' };
  return [...allowed, denyRest];
}

const enforced = (on: boolean): string => (on ? 'ENABLED' : 'DISABLED');
const RAI_FILTERS = ['SEXUALLY_EXPLICIT', 'HATE_SPEECH', 'HARASSMENT', 'DANGEROUS'] as const;

/** The template's filters from the spec's levels; a filter at OFF is left out (or disabled). */
export function modelArmorFilters(armor: ModelArmorSpec): gcp.types.input.modelarmor.TemplateFilterConfig {
  const level = (value: ModelArmorLevel): string | undefined => (value === 'OFF' ? undefined : value);
  const injection = level(armor.promptInjection);
  const rai = level(armor.responsibleAi);
  return {
    piAndJailbreakFilterSettings: injection === undefined ? { filterEnforcement: 'DISABLED' } : { filterEnforcement: 'ENABLED', confidenceLevel: injection },
    ...(rai === undefined ? {} : { raiSettings: { raiFilters: RAI_FILTERS.map((filterType) => ({ filterType, confidenceLevel: rai })) } }),
    sdpSettings: { basicConfig: { filterEnforcement: enforced(armor.sensitiveData) } },
    maliciousUriFilterSettings: { filterEnforcement: enforced(armor.maliciousUris) },
  };
}

/**
 * The Google Cloud resources of `gateway.tls.domains`, `gateway.access` and `gateway.modelArmor`; none when
 * the spec asks for none (the guide's default). Every resource waits for what this component waits for
 * (the APIs), so none calls an API before it is enabled.
 */
export class GatewaySecurity extends pulumi.ComponentResource {
  readonly dnsAuthorizations: readonly gcp.certificatemanager.DnsAuthorization[];
  readonly certificate?: gcp.certificatemanager.Certificate;
  readonly securityPolicy?: gcp.compute.RegionSecurityPolicy;
  readonly modelArmorTemplate?: gcp.modelarmor.Template;
  readonly modelArmorGrants: readonly gcp.projects.IAMMember[];
  /** The records that prove domain ownership to Certificate Manager; empty without `tls.domains`. */
  readonly dnsRecords: pulumi.Output<DnsRecord[]>;
  /** Everything the manifests refer to: the Kubernetes objects wait for these. */
  readonly resources: readonly pulumi.Resource[];

  constructor(name: string, args: GatewaySecurityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('inference-gateway:infra:GatewaySecurity', name, {}, opts);
    const { spec, project } = args;
    const region = spec.cluster.region;
    const child = childOptions(this, opts);
    const gateway = spec.gateway;
    // Whatever replaces a certificate or an authorization also changes its name (from the domains), its
    // location or its project, so the new one can exist beside the old one. Pulumi's bridge would delete
    // first because the program sets the name; the Gateway would then lose its certificate while in use.
    const newFirst = { ...child, deleteBeforeReplace: false };

    // Regional load balancers take regional certificates, authorized per domain by a DNS record
    // (Certificate Manager "Manage certificates": DNS authorization works in regional locations; load
    // balancer authorization is global only). PER_PROJECT_RECORD is the type regional authorizations use.
    const domains = gateway.tls?.domains ?? [];
    this.dnsAuthorizations = domains.map(
      (domain) =>
        new gcp.certificatemanager.DnsAuthorization(
          dnsAuthorizationName(spec, domain),
          { project, location: region, name: dnsAuthorizationName(spec, domain), domain, type: 'PER_PROJECT_RECORD', description: `${domain} for Gateway ${gateway.name}` },
          newFirst,
        ),
    );
    if (domains.length > 0) {
      // The resource name stays; the certificate's own name follows its domains (see certificateName),
      // so a change of domains is a replacement that creates the new certificate first.
      this.certificate = new gcp.certificatemanager.Certificate(
        `${name}-cert`,
        {
          project,
          location: region,
          name: certificateName(spec),
          description: `HTTPS listener of Gateway ${gateway.name}`,
          managed: { domains: [...domains], dnsAuthorizations: this.dnsAuthorizations.map((authorization) => authorization.id) },
        },
        newFirst,
      );
    }
    this.dnsRecords = pulumi
      .all(this.dnsAuthorizations.map((authorization) => authorization.dnsResourceRecords))
      .apply((lists) => lists.flat().map((record) => ({ name: record.name, type: record.type, data: record.data })));

    if (gateway.access !== undefined) {
      // A regional Gateway's backend services are regional: they take a regional policy (Cloud Armor
      // "Security policy overview"), named by every InferencePool's GCPBackendPolicy.
      this.securityPolicy = new gcp.compute.RegionSecurityPolicy(
        securityPolicyName(spec),
        {
          project,
          region,
          name: securityPolicyName(spec),
          type: 'CLOUD_ARMOR',
          description: `Clients allowed to Gateway ${gateway.name}`,
          rules: securityPolicyRules(gateway.access),
        },
        child,
      );
    }

    const grants: gcp.projects.IAMMember[] = [];
    if (gateway.modelArmor.enabled) {
      // The template lives in the region of the load balancer that calls modelarmor.<region>.rep.googleapis.com.
      this.modelArmorTemplate = new gcp.modelarmor.Template(
        modelArmorTemplateId(spec),
        {
          project,
          location: region,
          templateId: modelArmorTemplateId(spec),
          filterConfig: modelArmorFilters(gateway.modelArmor),
          templateMetadata: { logSanitizeOperations: true },
        },
        child,
      );
      // The Service Extensions agent may not exist yet right after the Network Services API is enabled, and
      // IAM refuses a grant to an agent that does not exist: services.generateServiceIdentity creates it
      // (as network.ts does for the GKE agent). The member is built from the project number, as there.
      const agent = new gcp.projects.ServiceIdentity(`${name}-service-extensions-agent`, { project, service: API.networkServices }, child);
      const number = gcp.organizations.getProjectOutput({ projectId: project }, invokeOptions(this, opts)).number;
      const member = pulumi.interpolate`serviceAccount:${number.apply((value) => serviceExtensionsAgent(value))}`;
      const afterAgent = { ...child, dependsOn: [...child.dependsOn, agent] };
      for (const role of MODEL_ARMOR_CALLER_ROLES) {
        grants.push(new gcp.projects.IAMMember(`${name}-model-armor-${role.split('/')[1].replace(/\./g, '-')}`, { project, role, member }, afterAgent));
      }
    }
    this.modelArmorGrants = grants;

    this.resources = [
      ...(this.certificate ? [this.certificate] : []),
      ...(this.securityPolicy ? [this.securityPolicy] : []),
      ...(this.modelArmorTemplate ? [this.modelArmorTemplate] : []),
      ...grants,
    ];
    this.registerOutputs({ dnsRecords: this.dnsRecords });
  }
}
