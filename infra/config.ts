/**
 * Stack configuration: which spec to deploy, the project, the Hugging Face token. Every problem is
 * reported at once as a `pulumi.RunError`, which Pulumi prints without a stack trace.
 */
import * as pulumi from '@pulumi/pulumi';
import { loadSpecFile, resolveSpec, SpecError, type DeploymentSpec } from '../spec';
import type { StackSettings } from './stack';

import { CONFIG_NAMESPACE, HF_TOKEN_KEY, SPEC_FILE_KEY, SPEC_KEY } from './config-keys';

export { CONFIG_NAMESPACE, HF_TOKEN_KEY, SPEC_FILE_KEY, SPEC_KEY };

/**
 * The spec from `inference-gateway:spec` (inline object) or `inference-gateway:specFile` (a path,
 * relative to the project directory), or the built-in defaults (the guide's example).
 */
export function readSpec(config: pulumi.Config, problems: string[]): DeploymentSpec | undefined {
  const inline = config.getObject<unknown>(SPEC_KEY);
  // Pulumi.yaml declares specFile with the default "" (a declared key without a default is required).
  const file = config.get(SPEC_FILE_KEY) || undefined;
  if (inline !== undefined && file !== undefined) {
    problems.push(`set either ${CONFIG_NAMESPACE}:${SPEC_KEY} or ${CONFIG_NAMESPACE}:${SPEC_FILE_KEY}, not both (specFile is ${file})`);
    return undefined;
  }
  try {
    if (file !== undefined) return loadSpecFile(file);
    return resolveSpec(inline ?? {}, inline === undefined ? 'defaults' : `${CONFIG_NAMESPACE}:${SPEC_KEY}`);
  } catch (error) {
    if (error instanceof SpecError) {
      problems.push(error.message);
      return undefined;
    }
    throw error;
  }
}

/** Reads and validates the whole stack configuration, or throws one RunError listing every problem. */
export function readStackSettings(): StackSettings {
  const problems: string[] = [];
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  const spec = readSpec(config, problems);
  const project = new pulumi.Config('gcp').get('project');
  if (project === undefined) problems.push('gcp:project is not set: pulumi config set gcp:project <project id>');
  const mirrorProject = spec?.cluster.images.mirrorProject;
  if (mirrorProject !== undefined && project !== undefined && mirrorProject !== project) {
    problems.push(`cluster.images.mirrorProject must be this stack's gcp:project (${project}), where pulumi up makes the Artifact Registry repositories the manifests pull from, got ${mirrorProject}`);
  }
  const hfToken = config.getSecret(HF_TOKEN_KEY);
  if (hfToken === undefined) problems.push(`${CONFIG_NAMESPACE}:${HF_TOKEN_KEY} is not set: pulumi config set --secret ${CONFIG_NAMESPACE}:${HF_TOKEN_KEY} <Hugging Face token>`);
  // The traffic extension names the template by project; pulumi up creates it in gcp:project.
  const armorProject = spec?.gateway.modelArmor.enabled ? spec.gateway.modelArmor.project : undefined;
  if (armorProject !== undefined && project !== undefined && armorProject !== project) {
    problems.push(`gateway.modelArmor.project is ${armorProject}, but pulumi up creates the Model Armor template in gcp:project ${project}; set them to the same project`);
  }
  if (problems.length > 0 || spec === undefined || project === undefined || hfToken === undefined) {
    throw new pulumi.RunError(`the stack configuration has problems:\n${problems.join('\n')}`);
  }
  return { spec, project, hfToken };
}
