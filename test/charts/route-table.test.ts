/**
 * The HTTPRoute table as a Gateway applies it: every request a pool's clients send below the pool's prefix
 * reaches that pool, with the prefix stripped, however the prefixes nest; the spec refuses a prefix that
 * would take another pool's requests.
 */
import { resolveSpec, type DeploymentSpec } from '../../spec';
import { VLLM_PATH_ROOTS } from '../../spec/rules';
import { synthApp, type K8sObject } from './helpers';

interface Match {
  readonly path: { readonly type: string; readonly value: string };
  readonly headers?: readonly { readonly name: string; readonly value: string }[];
}
interface Rule {
  readonly matches: readonly Match[];
  readonly filters?: readonly { readonly type: string; readonly urlRewrite?: { readonly path: { readonly type: string; readonly replacePrefixMatch: string } } }[];
  readonly backendRefs: readonly { readonly name: string }[];
}

const elements = (path: string) => path.split('/').filter((element) => element !== '');

/**
 * Which rule a Gateway picks for a request, and the path it forwards. Models the Gateway API v1.2.1
 * HTTPRoute CRD (../shared/schemas/gateway-api/v1.2.1/gateway.networking.k8s.io_httproutes.yaml):
 * - PathPrefix "matches full path elements ... a trailing `/` is ignored" (`/abc` matches `/abc/def`, not `/abcd`);
 * - across all rules of the routes, precedence goes to the "Prefix" path match with the largest number of
 *   characters, then to the largest number of header matches; rule order does not matter;
 * - a URLRewrite ReplacePrefixMatch replaces the matched prefix (`/foo` in `/foo/bar` with `/` gives `/bar`).
 */
function route(objects: readonly K8sObject[], path: string, headers: Record<string, string> = {}): { pool: string; path: string } | undefined {
  const rules = objects.filter((object) => object.kind === 'HTTPRoute').flatMap((object) => object.spec.rules as Rule[]);
  let best: { rule: Rule; match: Match; score: [number, number] } | undefined;
  for (const rule of rules) {
    for (const match of rule.matches) {
      expect(match.path.type).toBe('PathPrefix');
      const prefix = elements(match.path.value);
      const requested = elements(path);
      if (!prefix.every((element, i) => requested[i] === element)) continue;
      if (!(match.headers ?? []).every((header) => headers[header.name.toLowerCase()] === header.value)) continue;
      const score: [number, number] = [prefix.join('/').length, match.headers?.length ?? 0];
      if (best === undefined || score[0] > best.score[0] || (score[0] === best.score[0] && score[1] > best.score[1])) best = { rule, match, score };
    }
  }
  if (best === undefined) return undefined;
  const rewrite = best.rule.filters?.find((filter) => filter.type === 'URLRewrite')?.urlRewrite?.path;
  const rest = elements(path).slice(elements(best.match.path.value).length);
  const forwarded = rewrite?.type === 'ReplacePrefixMatch' ? `/${rest.join('/')}` : path;
  return { pool: best.rule.backendRefs[0].name, path: forwarded };
}

const POOLS = [
  { name: 'main' },
  { name: 'qwen', routePathPrefix: '/qwen' },
  { name: 'api', routePathPrefix: '/api' },
  { name: 'api-chat', routePathPrefix: '/api/chat' },
  { name: 'nested', routePathPrefix: '/qwen/sql/' },
];
const document = { cluster: { gpuPool: { maxNodes: 60 } }, pools: POOLS };

describe('prefixes that nest without taking each other\'s requests', () => {
  const spec: DeploymentSpec = resolveSpec(document, 'nested prefixes');
  const objects = synthApp(spec);

  test.each(POOLS.flatMap((pool) => VLLM_PATH_ROOTS.map((root) => [pool.name, pool.routePathPrefix ?? '/', root] as const)))(
    'pool %s (prefix %s) receives its vLLM path /%s/..., prefix stripped',
    (pool, prefix, root) => {
      const base = prefix.replace(/\/+$/, '');
      expect(route(objects, `${base}/${root}/x`)).toEqual({ pool, path: `/${root}/x` });
    },
  );

  test('path elements, not characters: /qwenx and /apichat belong to the pool at /', () => {
    expect(route(objects, '/qwenx/v1/completions')).toEqual({ pool: 'main', path: '/qwenx/v1/completions' });
    expect(route(objects, '/apichat/v1/completions')).toEqual({ pool: 'main', path: '/apichat/v1/completions' });
  });
});

describe('prefixes that would take another pool\'s requests are refused', () => {
  test.each([
    ['/v1 beside /', [{ name: 'main' }, { name: 'b', routePathPrefix: '/v1' }], /pools\[1\]\.routePathPrefix: would take the requests under \/v1 away from the pools sharing gateway\.route\.pathPrefix \(prefix \/\)/],
    ['/v1/chat beside /', [{ name: 'main' }, { name: 'b', routePathPrefix: '/v1/chat' }], /pools\[1\]\.routePathPrefix: would take the requests under \/v1 away from the pools sharing/],
    ['/api/v1/chat beside /api', [{ name: 'a', routePathPrefix: '/api' }, { name: 'b', routePathPrefix: '/api/v1/chat' }], /pools\[1\]\.routePathPrefix: would take the requests under \/api\/v1 away from pools\[0\] \(prefix \/api\)/],
    ['/api/health/ beside /api/', [{ name: 'a', routePathPrefix: '/api/' }, { name: 'b', routePathPrefix: '/api/health/' }], /pools\[1\]\.routePathPrefix: would take the requests under \/api\/health away from pools\[0\]/],
  ])('%s', (_name, pools, message) => {
    expect(() => resolveSpec({ cluster: { gpuPool: { maxNodes: 60 } }, pools }, 'shadow')).toThrow(message);
  });

  test('the shared prefix nested under a pool\'s own prefix is refused too', () => {
    expect(() => resolveSpec({ cluster: { gpuPool: { maxNodes: 60 } }, gateway: { route: { pathPrefix: '/v1' } }, pools: [{ name: 'a', routePathPrefix: '/' }, { name: 'b' }] }, 'shadow')).toThrow(
      /gateway\.route\.pathPrefix: would take the requests under \/v1 away from pools\[0\] \(prefix \/\)/,
    );
  });

  test('why: without the rule, the Gateway would send the outer pool\'s requests to the nested one, rewritten', () => {
    const spec = resolveSpec({ cluster: { gpuPool: { maxNodes: 60 } }, pools: [{ name: 'main' }, { name: 'b', routePathPrefix: '/other' }] }, 'ok');
    const forced = { ...spec, pools: [spec.pools[0], { ...spec.pools[1], routePathPrefix: '/v1' }] };
    expect(route(synthApp(forced), '/v1/chat/completions')).toEqual({ pool: 'b', path: '/chat/completions' });
  });
});
