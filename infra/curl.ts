/**
 * The guide's last step as a stack output: the request to send through the gateway, and the curl
 * command that sends it, quoted for the POSIX shell (docs/deploy.md runs it with `eval`).
 */
import type { DeploymentSpec } from '../spec';

export interface CompletionsRequest {
  /** The path the first pool serves /v1/completions under. */
  readonly path: string;
  /** The `model` to ask for. */
  readonly model: string;
}

/**
 * The guide's sample request: the first pool's first InferenceModel that an adapter serves (the guide's
 * `food-review`), else its first InferenceModel, under the first pool's route prefix.
 */
export function completionsRequest(spec: DeploymentSpec): CompletionsRequest {
  const pool = spec.pools[0];
  const adapters = new Set(pool.adapters.models.map((adapter) => adapter.id));
  const servedByAdapter = pool.models.find((model) =>
    model.targetModels && model.targetModels.length > 0 ? model.targetModels.some((target) => adapters.has(target.name)) : adapters.has(model.modelName),
  );
  const model = (servedByAdapter ?? pool.models[0])?.modelName ?? pool.modelServer.baseModel;
  const prefix = spec.gateway.route.pathPrefix.replace(/\/+$/, '');
  return { path: `${prefix}/v1/completions`, model };
}

/**
 * One shell word holding exactly `value`: POSIX single quotes keep every character literal except the
 * single quote itself, which is closed, escaped and reopened (`'\''`).
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The guide's curl, runnable as printed and safe for the `eval` docs/deploy.md shows: every value that
 * comes from the spec or Google Cloud is one quoted word, so a model name or path holding `'`, `;`,
 * `$(...)`, backticks or spaces reaches curl unchanged instead of running as shell code. The guide's
 * `Authorization: Bearer $(gcloud ...)` header sits in single quotes, so the shell never expands it, and
 * the gateway does not check it: we leave it out.
 */
export function curl(address: string, port: number, request: CompletionsRequest, scheme: 'http' | 'https' = 'http'): string {
  const body = JSON.stringify({ model: request.model, prompt: 'What is the best pizza in the world?', max_tokens: 2048, temperature: 0 });
  return `curl -i -X POST ${shellQuote(`${scheme}://${address}:${port}${request.path}`)} -H 'Content-Type: application/json' -d ${shellQuote(body)}`;
}
