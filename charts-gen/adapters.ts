import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import { stringify } from 'yaml';
import type { AdapterSpec } from '../spec';
import { LORA_SYNCER_CONFIG_FILE } from './well-known';

export interface LoraAdaptersProps {
  readonly namespace: string;
  /** ConfigMap name. */
  readonly configMapName: string;
  /** `vLLMLoRAConfig.name`. */
  readonly configName: string;
  /** Port of the vLLM server the syncer calls `/v1/load_lora_adapter` on. */
  readonly modelServerPort: number;
  /** Base model the adapters apply to. */
  readonly baseModel: string;
  /** Adapters to keep loaded. @default none */
  readonly adapters?: readonly AdapterSpec[];
  /** The lora-syncer image that reads this config. */
  readonly syncerImage: string;
}

/**
 * The lora-syncer's config: a ConfigMap in the vLLMLoRAConfig format. The syncer watches the mounted
 * file and loads or unloads adapters on the running server, so changing this list restarts no pod.
 */
export class LoraAdapters extends Construct {
  /** File name of the config inside the ConfigMap (and inside its mount directory). */
  static readonly CONFIG_FILE = LORA_SYNCER_CONFIG_FILE;

  readonly configMapName: string;
  readonly syncerImage: string;

  constructor(scope: Construct, id: string, props: LoraAdaptersProps) {
    super(scope, id);
    this.configMapName = props.configMapName;
    this.syncerImage = props.syncerImage;
    const adapters = props.adapters ?? [];
    const config = {
      vLLMLoRAConfig: {
        name: props.configName,
        port: props.modelServerPort,
        defaultBaseModel: props.baseModel,
        ensureExist: { models: adapters.map((adapter) => ({ id: adapter.id, source: adapter.source })) },
      },
    };
    new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: props.configMapName, namespace: props.namespace },
      data: { [LoraAdapters.CONFIG_FILE]: stringify(config) },
    });
  }
}
