import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { DeploymentSpec } from '../spec';
import { EVALUATION_INTERVAL, observabilityModel } from './observability-queries';
import { childOptions } from './options';

export interface ObservabilityArgs {
  readonly spec: DeploymentSpec;
  /** Project that holds the dashboard and the alert policies (the cluster's project, whose metrics they read). */
  readonly project: string;
  /** Prefix of the resource names. */
  readonly namePrefix: string;
}

/**
 * The deployment's Cloud Monitoring dashboard and alert policies over the Managed Prometheus series of
 * its endpoint pickers and model servers (queries in observability-queries.ts). They call the Cloud
 * Monitoring API only, so they wait for that API's enablement and nothing else; the series they read
 * appear once the cluster's workloads run.
 */
export class Observability extends pulumi.ComponentResource {
  readonly dashboard?: gcp.monitoring.Dashboard;
  readonly alertPolicies: readonly gcp.monitoring.AlertPolicy[];

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('inference-gateway:infra:Observability', name, {}, opts);
    const { spec, project, namePrefix } = args;
    const child = childOptions(this, opts);
    const model = observabilityModel(spec);

    if (spec.monitoring.dashboard) {
      this.dashboard = new gcp.monitoring.Dashboard(`${namePrefix}-dashboard`, { project, dashboardJson: JSON.stringify(model.dashboard) }, child);
    }
    this.alertPolicies = model.alerts.map(
      (alert) =>
        new gcp.monitoring.AlertPolicy(
          `${namePrefix}-${alert.key}`,
          {
            project,
            displayName: alert.displayName,
            combiner: 'OR',
            severity: alert.severity,
            documentation: { content: alert.documentation, mimeType: 'text/markdown' },
            notificationChannels: [...spec.monitoring.alerts.notificationChannels],
            conditions: [
              {
                displayName: alert.condition.displayName,
                conditionPrometheusQueryLanguage: {
                  query: alert.condition.query,
                  duration: `${alert.condition.durationSeconds}s`,
                  evaluationInterval: EVALUATION_INTERVAL,
                  // Cloud Monitoring refuses a PromQL condition on a metric it has not ingested yet; on a
                  // first run the model servers have not started when the policies are created.
                  disableMetricValidation: true,
                },
              },
            ],
          },
          child,
        ),
    );
    this.registerOutputs({ dashboard: this.dashboard?.id, alertPolicies: this.alertPolicies.map((policy) => policy.name) });
  }
}
