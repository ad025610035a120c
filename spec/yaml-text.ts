/**
 * YAML parsing with limits, shared by the spec loader and the manifest validator. A problem is reported by
 * error code and position only: the yaml library's own messages can quote the source (an alias name, a
 * fragment of a line), and source text may hold secrets.
 *
 * Duplicate keys are found here in one pass over each mapping; the library's `uniqueKeys` check compares
 * every key with every other one, which takes about 9 s for 32,000 keys on the 2-core development machine.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, visit, type Document, type Node, type YAMLError } from 'yaml';

/** How deep collections may nest. The deepest object synth writes is about 12 levels. */
export const MAX_YAML_DEPTH = 100;
/**
 * How many values aliases may expand to, as the yaml library counts them (`maxAliasCount`: its default).
 * A handful of anchors in a spec stays far below; a "billion laughs" document needs billions.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

export interface YamlProblem {
  /** 1-based position in the source; 0 when the problem has no single place. */
  readonly line: number;
  readonly col: number;
  /** Which document of a multi-document stream (from 1). */
  readonly document: number;
  readonly message: string;
}

export interface ParsedYaml {
  /** One value per document that parsed cleanly (in order), with the document's number. */
  readonly documents: { readonly index: number; readonly value: unknown }[];
  readonly problems: YamlProblem[];
}

const CODE_MEANINGS: Readonly<Record<string, string>> = {
  ALIAS_PROPS: 'an alias cannot carry an anchor or a tag',
  BAD_ALIAS: 'an alias names no anchor defined before it',
  BAD_COLLECTION_TYPE: 'a collection does not match its tag',
  BAD_DIRECTIVE: 'a % directive that is not valid',
  BAD_DQ_ESCAPE: 'an escape sequence that is not valid in a double-quoted string',
  BAD_INDENT: 'indentation that does not line up',
  BAD_PROP_ORDER: 'an anchor or tag in the wrong place',
  BAD_SCALAR_START: 'a plain value that starts with a reserved character (quote it)',
  BLOCK_AS_IMPLICIT_KEY: 'a block collection used as a key',
  BLOCK_IN_FLOW: 'a block collection inside a flow collection ([...] or {...})',
  DUPLICATE_KEY: 'a key that appears twice in one mapping',
  IMPOSSIBLE: 'a structure YAML cannot express',
  KEY_OVER_1024_CHARS: 'a key longer than 1024 characters',
  MISSING_CHAR: 'a missing closing character (a quote, ] or })',
  MULTILINE_IMPLICIT_KEY: 'a key that spans more than one line',
  MULTIPLE_ANCHORS: 'two anchors on one value',
  MULTIPLE_DOCS: 'more than one document (remove the --- separators)',
  MULTIPLE_TAGS: 'two tags on one value',
  NON_STRING_KEY: 'a key that is not a string',
  // The parser reports its own stack overflow on extreme nesting with this code.
  RESOURCE_EXHAUSTION: 'collections nested too deeply to read',
  TAB_AS_INDENT: 'a tab used for indentation (use spaces)',
  TAG_RESOLVE_FAILED: 'a value that does not match its tag',
  UNEXPECTED_TOKEN: 'an unexpected character',
};

function describeError(error: YAMLError): string {
  return `${CODE_MEANINGS[error.code] ?? 'a syntax error'} (${error.code})`;
}

/** The identity of a scalar key as the yaml library compares keys: same type and same value. */
function keyIdentity(key: unknown): string | undefined {
  if (key === null || key === undefined) return 'null:';
  if (isScalar(key)) {
    const value = key.value;
    return `${value === null ? 'null' : typeof value}:${String(value)}`;
  }
  return undefined;
}

/**
 * Walks one document's node tree without recursion (so nesting cannot exhaust the stack) and without
 * following aliases (so the walk is linear in the source). Reports duplicate and non-scalar keys and
 * nesting beyond `MAX_YAML_DEPTH`.
 */
function checkStructure(root: unknown, lineCounter: LineCounter, report: (node: unknown, message: string) => void): void {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > MAX_YAML_DEPTH) {
      report(node, `collections nested more than ${MAX_YAML_DEPTH} levels deep`);
      return;
    }
    if (isSeq(node)) {
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
      continue;
    }
    const seen = new Map<string, unknown>();
    for (const pair of node.items) {
      const identity = keyIdentity(pair.key);
      if (identity === undefined) {
        report(pair.key, isAlias(pair.key) ? 'an alias used as a key (keys must be plain text or numbers)' : 'a collection used as a key (keys must be plain text or numbers)');
      } else if (seen.has(identity)) {
        const first = position(seen.get(identity), lineCounter);
        report(pair.key, `a key that appears twice in one mapping${first ? ` (first at line ${first.line}, column ${first.col})` : ''}`);
      } else {
        seen.set(identity, pair.key);
      }
      stack.push({ node: pair.value, depth: depth + 1 });
    }
  }
}

function position(node: unknown, lineCounter: LineCounter): { line: number; col: number } | undefined {
  const range = (node as Node | null)?.range;
  return range ? lineCounter.linePos(range[0]) : undefined;
}

function toValue(document: Document.Parsed, index: number, lineCounter: LineCounter, problems: YamlProblem[]): { ok: boolean; value?: unknown } {
  const before = problems.length;
  checkStructure(document.contents, lineCounter, (node, message) => {
    const where = position(node, lineCounter);
    problems.push({ line: where?.line ?? 0, col: where?.col ?? 0, document: index, message });
  });
  if (problems.length > before) return { ok: false };
  // Aliases must name an anchor set earlier in the document. Checked in document order (the depth is
  // bounded by now, so the library's recursive visit is safe), because toJS would otherwise throw an
  // error that quotes the alias name.
  // An alias inside the value it names would make a cycle, which no spec or manifest can mean.
  const anchors = new Map<string, unknown>();
  visit(document, {
    Node: (_key, node, path) => {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        const message = target === undefined ? `${CODE_MEANINGS.BAD_ALIAS} (BAD_ALIAS)` : path.includes(target as Node) ? 'an alias inside the value it names (a cycle)' : undefined;
        if (message) {
          const where = position(node, lineCounter);
          problems.push({ line: where?.line ?? 0, col: where?.col ?? 0, document: index, message });
        }
      } else if (typeof (node as { anchor?: unknown }).anchor === 'string') {
        anchors.set((node as { anchor: string }).anchor, node);
      }
    },
  });
  if (problems.length > before) return { ok: false };
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT }) };
  } catch (error) {
    // The library throws a ReferenceError when aliases expand past maxAliasCount.
    const message = error instanceof ReferenceError && /alias count/i.test(error.message) ? `aliases that expand to more than ${MAX_YAML_ALIAS_COUNT} values` : 'a value that cannot be converted';
    problems.push({ line: 0, col: 0, document: index, message });
    return { ok: false };
  }
}

/** Parses YAML text: one document when `multiDocument` is false (more is a problem), else a stream. */
export function parseYamlText(text: string, multiDocument: boolean): ParsedYaml {
  const lineCounter = new LineCounter();
  const options = { uniqueKeys: false, prettyErrors: false, lineCounter } as const;
  const parsed: Document.Parsed[] = multiDocument ? [...parseAllDocuments(text, options)] : [parseDocument(text, options)];
  const documents: { index: number; value: unknown }[] = [];
  const problems: YamlProblem[] = [];
  parsed.forEach((document, i) => {
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const where = lineCounter.linePos(error.pos[0]);
        problems.push({ line: where.line, col: where.col, document: i + 1, message: describeError(error) });
      }
      return;
    }
    const converted = toValue(document, i + 1, lineCounter, problems);
    if (converted.ok) documents.push({ index: i + 1, value: converted.value });
  });
  return { documents, problems };
}

/** `not valid YAML at line 3, column 5: <what>`, the form both the spec loader and the validator print. */
export function formatYamlProblem(problem: YamlProblem): string {
  return problem.line > 0 ? `not valid YAML at line ${problem.line}, column ${problem.col}: ${problem.message}` : `not valid YAML: ${problem.message}`;
}
