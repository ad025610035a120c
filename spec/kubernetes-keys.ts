/**
 * Label and annotation keys that the spec's checks refuse (escape hatches, patches) and that the charts
 * write: one spelling, here, where both halves can read it without loading cdk8s.
 */

/** The guide selects model server pods (and the endpoint picker's) by the `app` label. */
export const APP_LABEL = 'app';
/** Node label GKE puts on GPU nodes; the model server selects its accelerator with it. */
export const GKE_ACCELERATOR_LABEL = 'cloud.google.com/gke-accelerator';
/**
 * Pod label the GA picker's core metrics extractor reads to pick, per model server pod, which metric names
 * to scrape (llm-d-router v0.10.0 extractor/metrics: `engineLabelKey` default, unlabelled pods get
 * `defaultEngine`).
 */
export const ENGINE_TYPE_LABEL = 'llm-d.ai/engine-type';
/** The apply order Pulumi, Config Sync and kpt read. */
export const DEPENDS_ON_ANNOTATION = 'config.kubernetes.io/depends-on';
/** The apply order Argo CD reads. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** The common labels synth puts on every object (charts-gen/common-labels.ts). */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const VERSION_LABEL = 'app.kubernetes.io/version';
