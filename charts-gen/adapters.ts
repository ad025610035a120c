import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import { yamlText } from '../spec/yaml-writer';
import { LORA_SYNCER_CONFIG_FILE } from './well-known';

export interface LoraAdaptersProps {
  readonly namespace: string;
  /** ConfigMap name. */
  readonly configMapName: string;
  /** The syncer's vLLMLoRAConfig document (see `syncerConfig` in spec/derived.ts). */
  readonly config: Readonly<Record<string, unknown>>;
  /** `config` as YAML, when the caller has it already (spec/derived.ts `syncerConfigText`). @default the config as YAML */
  readonly configText?: string;
  /** The lora-syncer image that reads this config. */
  readonly syncerImage: string;
}

/**
 * The lora-syncer's config: a ConfigMap in the vLLMLoRAConfig format. The syncer watches the mounted
 * file and loads the adapters under `ensureExist` and unloads those under `ensureNotExist` on the running
 * server, so changing either list restarts no pod.
 */
export class LoraAdapters extends Construct {
  /** File name of the config inside the ConfigMap (and inside its mount directory). */
  static readonly CONFIG_FILE = LORA_SYNCER_CONFIG_FILE;

  readonly configMapName: string;
  readonly syncerImage: string;
  readonly configMap: k8s.KubeConfigMap;

  constructor(scope: Construct, id: string, props: LoraAdaptersProps) {
    super(scope, id);
    this.configMapName = props.configMapName;
    this.syncerImage = props.syncerImage;
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: { name: props.configMapName, namespace: props.namespace },
      data: { [LoraAdapters.CONFIG_FILE]: props.configText ?? yamlText(props.config, 'config') },
    });
  }
}
