/**
 * Writes plain JSON data as block YAML, byte for byte as the yaml library writes it, several times faster.
 *
 * Synth spends more of its time turning objects into YAML than building them: the library builds a
 * document tree, resolves every scalar against every tag of the schema and only then prints. Our objects
 * are plain data (maps, lists, strings, integers, booleans), so most of that work has one answer known in
 * advance. This writer handles that subset and nothing else: whenever a value falls outside it (a string
 * that might read back as another type, a non-ASCII character, a float, a list in a list, an object used
 * twice, which the library writes as an anchor and alias), the whole document goes to the library. Its
 * output is therefore the library's, always; test/spec/yaml-writer.test.ts holds it to that over every
 * chart the tests synthesize and over strings chosen to sit on each edge of the rules below.
 */
import { stringify } from 'yaml';

/**
 * The two ways we call the library:
 * - `kubernetes`: cdk8s' `Yaml.stringify` (YAML 1.1, no line folding), for manifests;
 * - `config`: the library's defaults (YAML 1.2, lines folded at 80 columns), for config files inside ConfigMaps.
 */
export type YamlDialect = 'kubernetes' | 'config';

const LIBRARY_OPTIONS = {
  kubernetes: { keepUndefined: true, lineWidth: 0, version: '1.1' },
  config: {},
} as const;

/**
 * Strings the library writes unquoted in both dialects: printable ASCII starting with a letter, "/" or one
 * or two "-" and a letter (never an indicator, a number, a date or a document marker), with no "#" (a
 * comment), no ": " (a key), not ending in ":" or a space, and not a word of `TYPED_WORDS`.
 */
const PLAIN = /^(?:[A-Za-z/]|-{1,2}[A-Za-z])[A-Za-z0-9 _./:@=+,()-]*$/;
const NOT_PLAIN = /: |[: ]$/;
/**
 * Words that read back as booleans, null or (in YAML 1.1, whose floats need no digit before the exponent:
 * `e1`, `-e9`, `E-4`) numbers in either version; the library quotes some of them, by version.
 */
const TYPED_WORDS = /^(?:[-+]?[eE][-+]?[0-9]+|[yYnN~]|[Yy]es|YES|[Nn]o|NO|[Tt]rue|TRUE|[Ff]alse|FALSE|[Oo]n|ON|[Oo]ff|OFF|[Nn]ull|NULL)$/;
/**
 * Strings starting with a digit that are still plain: two dots or more (versions, addresses, CIDR ranges)
 * match no number of either version (a float has one dot), nor a date (four digits, then "-").
 */
const PLAIN_DOTTED = /^[0-9]+\.[0-9]*\.[0-9A-Za-z._/-]*$/;
/**
 * Digits and letters (`24Gi`, `100m`, `5s`, a sha256) are plain unless they could be a number: every
 * letter an exponent or radix mark (`1e3`, `0b1`), or a radix prefix (`0x1F`, `0o17`).
 */
const DIGITS_AND_LETTERS = /^[0-9][0-9A-Za-z]*$/;
const LETTER_OF_NO_NUMBER = /[A-DF-NP-WYZa-df-np-wyz]/;
const RADIX_PREFIX = /^0[xXoObB]/;
/** Strings that read back as numbers, booleans or null in both versions, so the library double-quotes them; and "". */
const QUOTED = /^(?:[0-9]+(?:\.[0-9]+)?|[Tt]rue|TRUE|[Ff]alse|FALSE|[Nn]ull|NULL|~)?$/;
/** Text of a literal block: printable ASCII lines, not starting with a space or a line break. */
const BLOCK = /^[!-~][ -~\n]*$/;
/**
 * In the `config` dialect the library folds a line longer than 80 columns at a space, and prints a block
 * with a line that long in folded style; a string or block line this long with a space goes to the library.
 */
const CONFIG_SAFE_LENGTH = 40;

class Unsupported extends Error {}

function isPlain(value: string): boolean {
  if (PLAIN.test(value)) return !NOT_PLAIN.test(value) && !TYPED_WORDS.test(value);
  return PLAIN_DOTTED.test(value) || (DIGITS_AND_LETTERS.test(value) && LETTER_OF_NO_NUMBER.test(value) && !RADIX_PREFIX.test(value));
}

function scalarString(value: string, dialect: YamlDialect, isKey: boolean): string {
  if (isPlain(value)) {
    if (dialect === 'config' && value.length > CONFIG_SAFE_LENGTH && value.includes(' ')) throw new Unsupported();
    return value;
  }
  if (QUOTED.test(value) && !isKey) return `"${value}"`;
  throw new Unsupported();
}

/** A multi-line string as a literal block (`|` keeps one final line break, `|-` none), or Unsupported. */
function blockString(value: string, indent: string, dialect: YamlDialect): string {
  if (!BLOCK.test(value) || value.endsWith('\n\n') || / \n|\n +$| $/.test(value)) throw new Unsupported();
  if (dialect === 'config' && value.split('\n').some((line) => line.length > CONFIG_SAFE_LENGTH)) throw new Unsupported();
  const clip = value.endsWith('\n');
  const body = clip ? value.slice(0, -1) : value;
  return `|${clip ? '' : '-'}\n${indent}${body.replace(/\n+/g, `$&${indent}`)}`;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The text after `key:` or `-` for a scalar or empty collection; undefined for a non-empty collection. */
function inlineValue(value: unknown, dialect: YamlDialect): string | undefined {
  switch (typeof value) {
    case 'string':
      return scalarString(value, dialect, false);
    case 'boolean':
      return String(value);
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) throw new Unsupported();
      return String(value);
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
      if (!isPlainObject(value)) throw new Unsupported();
      return Object.keys(value).length === 0 ? '{}' : undefined;
    default:
      throw new Unsupported();
  }
}

class Writer {
  private readonly seen = new Set<object>();
  private text = '';

  constructor(private readonly dialect: YamlDialect) {}

  /** A collection met a second time would be an anchor and alias in the library's output. */
  private enter(value: object): void {
    if (this.seen.has(value)) throw new Unsupported();
    this.seen.add(value);
  }

  /** Map entries at `indent`; `first` replaces the indent of the first line (after "- " in a list). */
  map(value: Record<string, unknown>, indent: string, first = indent): void {
    this.enter(value);
    let lead = first;
    for (const key of Object.keys(value)) {
      const item = value[key];
      const name = scalarString(key, this.dialect, true);
      if (typeof item === 'string' && item.includes('\n')) {
        this.text += `${lead}${name}: ${blockString(item, `${indent}  `, this.dialect)}\n`;
      } else {
        const inline = inlineValue(item, this.dialect);
        if (inline !== undefined) this.text += `${lead}${name}: ${inline}\n`;
        else {
          this.text += `${lead}${name}:\n`;
          this.collection(item as object, `${indent}  `);
        }
      }
      lead = indent;
    }
  }

  /** List items at `indent`: scalars, blocks and maps; a list in a list goes to the library. */
  list(value: unknown[], indent: string): void {
    this.enter(value);
    for (const item of value) {
      if (typeof item === 'string' && item.includes('\n')) {
        this.text += `${indent}- ${blockString(item, `${indent}  `, this.dialect)}\n`;
        continue;
      }
      const inline = inlineValue(item, this.dialect);
      if (inline !== undefined) this.text += `${indent}- ${inline}\n`;
      else if (Array.isArray(item)) throw new Unsupported();
      else this.map(item as Record<string, unknown>, `${indent}  `, `${indent}- `);
    }
  }

  collection(value: object, indent: string): void {
    if (Array.isArray(value)) this.list(value, indent);
    else this.map(value as Record<string, unknown>, indent);
  }

  document(value: unknown): string {
    const inline = inlineValue(value, this.dialect);
    if (inline !== undefined || Array.isArray(value)) throw new Unsupported();
    this.map(value as Record<string, unknown>, '');
    return this.text;
  }
}

/** The writer's own text for one document, or undefined where it would differ from the library's. */
export function fastYaml(value: unknown, dialect: YamlDialect): string | undefined {
  try {
    return new Writer(dialect).document(value);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** One document as the yaml library writes it in `dialect`. */
export function yamlText(value: unknown, dialect: YamlDialect): string {
  return fastYaml(value, dialect) ?? stringify(value, LIBRARY_OPTIONS[dialect]);
}

/** Manifests as cdk8s' `Yaml.stringify` writes them: one document each, separated by `---`. */
export function manifestYaml(...documents: unknown[]): string {
  return documents.map((document) => (document === undefined ? '\n' : yamlText(document, 'kubernetes'))).join('---\n');
}
