/**
 * The configuration reference (docs/configuration.md), rendered from the same field descriptions and defaults that
 * validate specs, so the documentation cannot drift from the code (`npm run schema` rewrites it).
 */
import { DEFAULT_SPEC } from './defaults';
import type { Field } from './fields';
import { SPEC_FIELD } from './schema';

function allowed(field: Field): string {
  switch (field.kind) {
    case 'string':
      if (field.enum) return field.enum.map((value) => `\`${value}\``).join(', ');
      return field.patternHint ?? 'string';
    case 'integer':
    case 'number': {
      const noun = field.kind;
      if (field.min !== undefined && field.max !== undefined) return `${noun} ${field.exclusiveMin ? '>' : ''}${field.min}..${field.max}`;
      if (field.min !== undefined) return `${noun} >= ${field.min}`;
      return noun;
    }
    case 'boolean':
      return 'boolean';
    case 'list':
      return `list${field.maxItems !== undefined ? ` (at most ${field.maxItems})` : ''}`;
    case 'object':
      return 'object';
    case 'json':
      return 'any JSON value';
    case 'map':
      return `map of qualified names (label keys) to ${field.values.patternHint ?? 'strings'}`;
  }
}

function showDefault(value: unknown, field: Field): string {
  if (field.required) return 'required';
  if (value === undefined) return field.optional ? 'unset' : '';
  if (field.kind === 'list' && Array.isArray(value) && value.some((item) => typeof item === 'object')) {
    return `${value.length} item${value.length === 1 ? '' : 's'} (see the example)`;
  }
  return `\`${JSON.stringify(value)}\``;
}

function rows(field: Field, path: string, value: unknown, out: string[]): void {
  if (field.kind === 'object') {
    if (path !== '') out.push(`| \`${path}\` | object | ${field.optional ? 'unset' : ''} | ${field.description} |`);
    const values: Record<string, unknown> = {
      ...(field.derivedDefaults?.({}, {}) ?? {}),
      ...(value && typeof value === 'object' ? (value as Record<string, unknown>) : {}),
    };
    for (const [key, child] of Object.entries(field.fields)) {
      const childValue = values[key];
      rows(child, path === '' ? key : `${path}.${key}`, childValue, out);
    }
    return;
  }
  out.push(`| \`${path}\` | ${allowed(field)} | ${showDefault(value, field)} | ${field.description} |`);
  if (field.kind === 'list' && field.items.kind === 'object') {
    const first = Array.isArray(value) ? value[0] : undefined;
    rows(field.items, `${path}[]`, first, out);
  }
}

export function renderSpecReference(): string {
  const out = ['| field | allowed | default | what it is |', '|---|---|---|---|'];
  rows(SPEC_FIELD, '', DEFAULT_SPEC, out);
  return out.join('\n');
}
