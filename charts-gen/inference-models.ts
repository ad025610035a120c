import { Construct } from 'constructs';
import { InferenceModel, InferenceModelSpecCriticality } from '../imports/inferencemodels-inference.networking.x-k8s.io';
import type { InferenceModelSpec } from '../spec';
import type { InferencePool } from './inference-pool';

export interface InferenceModelsProps {
  readonly namespace: string;
  /** Pool that serves these models. */
  readonly pool: InferencePool;
  readonly models: readonly InferenceModelSpec[];
}

/**
 * The InferenceModels of one pool: which model names clients may send, their criticality under load,
 * and the base model or adapters behind each. They are read by the endpoint picker only, so changing
 * them restarts nothing.
 */
export class InferenceModels extends Construct {
  constructor(scope: Construct, id: string, props: InferenceModelsProps) {
    super(scope, id);
    for (const model of props.models) {
      new InferenceModel(this, model.name, {
        metadata: { name: model.name, namespace: props.namespace },
        spec: {
          modelName: model.modelName,
          criticality: model.criticality as InferenceModelSpecCriticality,
          poolRef: { name: props.pool.name },
          targetModels: model.targetModels?.map((target) => ({ name: target.name, weight: target.weight })),
        },
      });
    }
  }
}
