/**
 * resolveSpec for the two profiles (v0.3.0, the guide's; llm-d-v0.10.0, the GA API) and the migration
 * between them: their defaults, and the rules that refuse a spec, each with its field path and message.
 */
import { specIssues } from './helpers';

const MIGRATION = { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0', trafficPercent: 50 } };
const GUIDE_POOL = 'vllm-llama3-8b-instruct';
const DNS_LABEL = 'must be a DNS label (lower-case letters, digits and "-", starting with a letter)';

describe('rules never reason from a field that failed its own check', () => {
  test('a traffic split above 100 is one error, not a crash of the rules that derive the two stacks', () => {
    expect(specIssues({ inferenceExtension: { ...MIGRATION, migration: { from: 'v0.3.0', trafficPercent: 150 } }, pools: [{ name: 'p', inferencePoolName: 'p-ga' }] })).toEqual([
      'inferenceExtension.migration.trafficPercent: must be an integer from 0 to 100, got 150',
    ]);
  });

  test('a migration without trafficPercent is one error', () => {
    expect(specIssues({ inferenceExtension: { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0' } }, pools: [{ name: 'p', inferencePoolName: 'p-ga' }] })).toEqual([
      "inferenceExtension.migration.trafficPercent: is required (Percent of requests sent to this profile's InferencePools)",
    ]);
  });

  test('during a migration, a pool whose name and inferencePoolName are both invalid gets one error for each, not a crash', () => {
    expect(specIssues({ inferenceExtension: MIGRATION, pools: [{ name: 'Bad_Name', inferencePoolName: 'Bad_Name' }] })).toEqual([
      `pools[0].name: ${DNS_LABEL}, got "Bad_Name"`,
      `pools[0].inferencePoolName: ${DNS_LABEL}, got "Bad_Name"`,
    ]);
  });

  test('during a migration, a pool without a name gets exactly one error', () => {
    expect(specIssues({ inferenceExtension: MIGRATION, pools: [{ modelServer: { replicas: 1 } }] })).toEqual([
      'pools[0].name: is required (Model server Deployment and app label name (and the InferencePool name by default))',
    ]);
  });

  test('an unknown migration source is one error: inferencePoolName is not asked for on its account', () => {
    expect(specIssues({ inferenceExtension: { ...MIGRATION, migration: { from: 'v9', trafficPercent: 50 } } })).toEqual([
      'inferenceExtension.migration.from: must be one of v0.3.0, llm-d-v0.10.0; got "v9"',
    ]);
  });

  test('an unknown target profile during a migration is one error', () => {
    expect(specIssues({ inferenceExtension: { ...MIGRATION, version: 'v7' } })).toEqual([
      'inferenceExtension.version: must be one of v0.3.0, llm-d-v0.10.0; got "v7"',
    ]);
  });

  test('a base model that fails its format is one error: the InferenceModel serving it is not reported as unserved', () => {
    expect(specIssues({ pools: [{ name: 'p', modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct ' }, models: [{ name: 'base', modelName: 'Qwen/Qwen2.5-7B-Instruct', criticality: 'Critical' }] }] })).toEqual([
      'pools[0].modelServer.baseModel: must be a Hugging Face repository id such as org/name (letters, digits, "_", "." and "-"; no "--" or ".."), got "Qwen/Qwen2.5-7B-Instruct "',
    ]);
  });

  test('an adapter id that fails its format is one error: the InferenceModel naming the adapter is not reported as unserved', () => {
    const models = [{ name: 'base', modelName: 'Qwen/Qwen2.5-7B-Instruct', criticality: 'Critical' }, { name: 'sql', modelName: 'sql', criticality: 'Standard', targetModels: [{ name: 'sql' }] }];
    expect(specIssues({ pools: [{ name: 'p', modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct' }, adapters: { models: [{ id: 'sql$(x)', source: 'org/sql' }] }, models }] })).toEqual([
      'pools[0].adapters.models[0].id: must be a model name of letters, digits and "._:/@+-", starting and ending with a letter or digit, got "sql$(x)"',
    ]);
  });

  test('targetModels that are not a list are one error: the model name is not then reported as unserved, nor its adapter as unrouted', () => {
    expect(specIssues({ pools: [{ name: GUIDE_POOL, models: [{ name: 'food-review', modelName: 'food', criticality: 'Standard', targetModels: 'food-review' }, { name: 'base', modelName: 'meta-llama/Llama-3.1-8B-Instruct', criticality: 'Critical' }, { name: 'cad-fabricator', modelName: 'cad-fabricator', criticality: 'Standard' }] }] })).toEqual([
      'pools[0].models[0].targetModels: must be a list, got "food-review"',
    ]);
  });
});
