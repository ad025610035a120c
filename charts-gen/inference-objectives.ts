import { Construct } from 'constructs';
import { InferenceModelRewrite } from '../imports/inferencemodelrewrites-llm-d.ai';
import { InferenceObjective } from '../imports/inferenceobjectives-llm-d.ai';
import { modelRewrites, type Criticality, type InferenceModelSpec } from '../spec';
import type { PoolReference } from './inference-pool';

export interface InferenceObjectivesProps {
  readonly namespace: string;
  /** The GA InferencePool the objectives and rewrites apply to. */
  readonly pool: PoolReference;
  readonly models: readonly InferenceModelSpec[];
  /** Labels on every object (the chart's common labels). @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The GA API's counterparts of the guide's InferenceModels. Serving priority moved to InferenceObjective
 * (`llm-d.ai/v1alpha2`, picked per request by the `x-llm-d-inference-objective` header), and the mapping
 * of a requested model name to other served names (a renamed or traffic-split adapter) moved to
 * InferenceModelRewrite. A model served under the name clients send needs no rewrite: the GA picker
 * passes the request's model name through to vLLM.
 */
export class InferenceObjectives extends Construct {
  /**
   * Criticality as priority: higher is served first, and a negative priority is sheddable under load
   * (the picker's flow control). Critical is served before unset (0) traffic; Sheddable may be dropped.
   */
  static readonly PRIORITY: Readonly<Record<Criticality, number>> = { Critical: 1, Standard: 0, Sheddable: -1 };

  constructor(scope: Construct, id: string, props: InferenceObjectivesProps) {
    super(scope, id);
    const labels = props.labels === undefined ? undefined : { ...props.labels };
    // As the chart writes it: the kind defaults to InferencePool.
    const poolRef = { group: props.pool.group, name: props.pool.name };
    for (const model of props.models) {
      new InferenceObjective(this, `${model.name}-objective`, {
        metadata: { name: model.name, namespace: props.namespace, labels },
        spec: { priority: InferenceObjectives.PRIORITY[model.criticality], poolRef },
      });
      const targets = model.targetModels ?? [];
      if (!modelRewrites(model)) continue;
      new InferenceModelRewrite(this, `${model.name}-rewrite`, {
        metadata: { name: model.name, namespace: props.namespace, labels },
        spec: {
          poolRef,
          rules: [
            {
              matches: [{ model: { value: model.modelName } }],
              targets: targets.map((target) => ({ modelRewrite: target.name, ...(target.weight === undefined ? {} : { weight: target.weight }) })),
            },
          ],
        },
      });
    }
  }
}
