/** Old and new values as a reviewer reads them, secrets never shown. */
import { inputChanges, valueChanges } from '../../plan/values';

// How the Pulumi runtime marks a secret in the inputs it sends (the mocks record it this way).
const secret = (value: unknown) => ({ '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value });

test('container args are compared flag by flag, containers and env entries by name', () => {
  const pod = (rank: string, port: string) => ({ containers: [{ name: 'vllm', args: ['--model', 'm', '--enable-lora', '--max-lora-rank', rank], env: [{ name: 'PORT', value: port }] }] });
  expect(valueChanges(pod('16', '8000'), pod('64', '8001'))).toEqual([
    { path: 'containers[vllm].args[--max-lora-rank]', from: '16', to: '64' },
    { path: 'containers[vllm].env[PORT].value', from: '8000', to: '8001' },
  ]);
});

test('a flag added or removed shows null on the missing side; --flag=value is one flag', () => {
  expect(valueChanges({ args: ['--a=1'] }, { args: ['--a=1', '--b'] })).toEqual([{ path: 'args[--b]', from: null, to: 'true' }]);
});

test('a Pulumi secret, a Secret\'s data and a field or env entry named like a secret show as [secret]', () => {
  expect(valueChanges({ token: secret('old') }, { token: secret('new') })).toEqual([{ path: 'token', from: '[secret]', to: '[secret]' }]);
  expect(valueChanges({ x: secret('old') }, { x: secret('new') })).toEqual([{ path: 'x', from: '[secret]', to: '[secret]' }]);
  expect(inputChanges('Secret', { stringData: { token: 'a' } }, { stringData: { token: 'b' } })).toEqual([{ path: 'stringData.token', from: '[secret]', to: '[secret]' }]);
  expect(inputChanges('Secret', { data: { k: 'YQ==' } }, { data: { k: 'Yg==' } })).toEqual([{ path: 'data.k', from: '[secret]', to: '[secret]' }]);
  expect(valueChanges({ env: [{ name: 'API_KEY', value: 'a' }] }, { env: [{ name: 'API_KEY', value: 'b' }] })).toEqual([{ path: 'env[API_KEY].value', from: '[secret]', to: '[secret]' }]);
  expect(JSON.stringify(valueChanges({ a: { password: 'hunter2' } }, { a: { password: 'hunter3' } }))).not.toContain('hunter');
});

test('the same secret value on both sides is no change', () => {
  expect(valueChanges({ token: secret('same') }, { token: secret('same') })).toEqual([]);
});
