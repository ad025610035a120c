/**
 * `x-kubernetes-validations` rules, evaluated with @bufbuild/cel.
 *
 * Kubernetes runs CEL with libraries of its own (URLs, quantities, IPs, CIDRs, authorizer, list helpers,
 * regex find, optionals). @bufbuild/cel implements standard CEL plus the strings extension. A rule that
 * calls something outside that is found by walking its syntax tree before evaluation, and skipped with a
 * reason from `KUBERNETES_ONLY_CEL`; every other evaluation error (above all "no such key" when a rule
 * reads an absent field) is a failure, exactly as the API server treats it.
 */
import type { CelInput, plan as planFn } from '@bufbuild/cel';

/**
 * @bufbuild/cel and its protobuf runtime take about a fifth of a validate run to load, so they are
 * loaded on the first rule that is not answered by the verdict cache (cel-cache.ts).
 */
function cel(): typeof import('@bufbuild/cel') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@bufbuild/cel') as typeof import('@bufbuild/cel');
}

let environment: ReturnType<typeof import('@bufbuild/cel').celEnv> | undefined;
function env(): ReturnType<typeof import('@bufbuild/cel').celEnv> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  environment ??= cel().celEnv({ funcs: (require('@bufbuild/cel/ext') as typeof import('@bufbuild/cel/ext')).strings });
  return environment;
}

/**
 * Kubernetes-only CEL functions and macros this validator cannot evaluate, and why a rule using them is
 * skipped rather than failed. Listed in docs/validation.md.
 */
export const KUBERNETES_ONLY_CEL: Readonly<Record<string, string>> = {
  isURL: 'Kubernetes URL library (k8s.io/apiserver/pkg/cel/library/urls.go); not in @bufbuild/cel',
  url: 'Kubernetes URL library; not in @bufbuild/cel',
  getScheme: 'Kubernetes URL library; not in @bufbuild/cel',
  getHost: 'Kubernetes URL library; not in @bufbuild/cel',
  getHostname: 'Kubernetes URL library; not in @bufbuild/cel',
  getPort: 'Kubernetes URL library; not in @bufbuild/cel',
  getEscapedPath: 'Kubernetes URL library; not in @bufbuild/cel',
  getQuery: 'Kubernetes URL library; not in @bufbuild/cel',
  quantity: 'Kubernetes quantity library (resource.Quantity parsing); not in @bufbuild/cel',
  isQuantity: 'Kubernetes quantity library; not in @bufbuild/cel',
  ip: 'Kubernetes IP library; not in @bufbuild/cel',
  isIP: 'Kubernetes IP library; not in @bufbuild/cel',
  cidr: 'Kubernetes CIDR library; not in @bufbuild/cel',
  isCIDR: 'Kubernetes CIDR library; not in @bufbuild/cel',
  isSorted: 'Kubernetes lists library; not in @bufbuild/cel',
  sum: 'Kubernetes lists library; not in @bufbuild/cel',
  min: 'Kubernetes lists library; not in @bufbuild/cel',
  max: 'Kubernetes lists library; not in @bufbuild/cel',
  find: 'Kubernetes regex library; not in @bufbuild/cel',
  findAll: 'Kubernetes regex library; not in @bufbuild/cel',
  'sets.contains': 'Kubernetes sets library; not in @bufbuild/cel',
  'sets.equivalent': 'Kubernetes sets library; not in @bufbuild/cel',
  'sets.intersects': 'Kubernetes sets library; not in @bufbuild/cel',
  authorizer: 'Kubernetes authorizer library needs a live API server',
  'optional.of': 'Kubernetes optional types (?. and optional.*); not in @bufbuild/cel',
  'optional.none': 'Kubernetes optional types; not in @bufbuild/cel',
  'optional.ofNonZeroValue': 'Kubernetes optional types; not in @bufbuild/cel',
  orValue: 'Kubernetes optional types; not in @bufbuild/cel',
  hasValue: 'Kubernetes optional types; not in @bufbuild/cel',
  _optSelect: 'Kubernetes optional field selection (?.); not in @bufbuild/cel',
  _optIndex: 'Kubernetes optional index ([?]); not in @bufbuild/cel',
};

/** What @bufbuild/cel evaluates: the standard definitions and the strings extension. */
const SUPPORTED_FUNCTIONS = new Set([
  '_+_', '_-_', '_*_', '_/_', '_%_', '-_', '!_', '_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_&&_', '_||_',
  '_?_:_', '_[_]', '@in', '@not_strictly_false', 'not_strictly_false', 'int', 'uint', 'double', 'bool',
  'bytes', 'string', 'timestamp', 'duration', 'type', 'dyn', 'getSeconds', 'getMinutes', 'getHours',
  'getMilliseconds', 'getFullYear', 'getMonth', 'getDate', 'getDayOfMonth', 'getDayOfWeek', 'getDayOfYear',
  'size', 'contains', 'endsWith', 'startsWith', 'matches', 'strings.quote', 'charAt', 'indexOf',
  'lastIndexOf', 'lowerAscii', 'upperAscii', 'replace', 'split', 'substring', 'trim', 'join', 'format',
]);

/** Why `messageExpression` is never evaluated: the rule's verdict does not depend on it. */
export const MESSAGE_EXPRESSION_NOTE =
  'messageExpression is not evaluated (it only words the error; the rule itself still runs and its static message or the rule text is reported)';

type Program = ReturnType<typeof planFn>;

export type CompiledRule =
  | { readonly kind: 'evaluate'; readonly program: Program }
  /** Transition rule (reads oldSelf): a create has no old object, so the API server does not run it. */
  | { readonly kind: 'transition' }
  | { readonly kind: 'skip'; readonly reason: string }
  /** A function neither supported nor known to be Kubernetes-only: reported, never silently passed. */
  | { readonly kind: 'unknown'; readonly reason: string };

/** Function names called and identifiers read anywhere in a parsed expression (macros included). */
function collectNames(node: unknown, calls: Set<string>, idents: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectNames(item, calls, idents);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.$typeName === 'cel.expr.Expr.Call' && typeof record.function === 'string') calls.add(record.function);
  if (record.$typeName === 'cel.expr.Expr.Ident' && typeof record.name === 'string') idents.add(record.name);
  for (const value of Object.values(record)) if (typeof value === 'object') collectNames(value, calls, idents);
}

const compiledRules = new Map<string, CompiledRule>();

export function compileRule(rule: string): CompiledRule {
  const cached = compiledRules.get(rule);
  if (cached) return cached;
  let result: CompiledRule;
  try {
    const parsed = cel().parse(rule);
    const calls = new Set<string>();
    const idents = new Set<string>();
    collectNames(parsed.expr, calls, idents);
    const k8sOnly = [...calls].filter((name) => name in KUBERNETES_ONLY_CEL);
    const unknown = [...calls].filter((name) => !SUPPORTED_FUNCTIONS.has(name) && !(name in KUBERNETES_ONLY_CEL));
    if (idents.has('oldSelf')) result = { kind: 'transition' };
    else if (k8sOnly.length > 0) result = { kind: 'skip', reason: k8sOnly.map((name) => `${name}: ${KUBERNETES_ONLY_CEL[name]}`).join('; ') };
    else if (unknown.length > 0) result = { kind: 'unknown', reason: `calls ${unknown.join(', ')}, which the validator cannot evaluate` };
    else result = { kind: 'evaluate', program: cel().plan(env(), parsed) };
  } catch (error) {
    // The Kubernetes CEL dialect has syntax (`?.`, `[?`) that standard CEL parsers reject.
    result = { kind: 'unknown', reason: `does not parse as standard CEL (${(error as Error).message.split('\n')[0]})` };
  }
  compiledRules.set(rule, result);
  return result;
}

export type RuleOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** Runs a compiled rule with `self` bound; evaluation errors are failures, as on a real API server. */
export function evaluateRule(program: Program, self: CelInput): RuleOutcome {
  let result: unknown;
  try {
    result = program({ self });
  } catch (error) {
    return { ok: false, message: `evaluation error: ${(error as Error).message}` };
  }
  if (cel().isCelError(result)) {
    const reason = result.message.replace(/^field not found: /, 'no such key: ');
    return { ok: false, message: `evaluation error: ${reason}` };
  }
  if (result === true) return { ok: true };
  if (result === false) return { ok: false, message: 'rule is false' };
  return { ok: false, message: 'rule did not return a bool' };
}
