/**
 * Files that ConfigMaps hand to containers (the lora-syncer's adapter lists, the endpoint picker's
 * EndpointPickerConfig), parsed at most once per run whichever checks read them, and a broken file
 * reported once however many pods mount it.
 */
import { parse } from 'yaml';
import type { Entry } from '../object-set';
import { asRecord, asString, fieldPath } from '../types';
import type { CheckContext } from './context';

export type ParsedFile = { readonly value: unknown; readonly error?: undefined } | { readonly value?: undefined; readonly error: string };

const parsed = new WeakMap<Entry, Map<string, ParsedFile | undefined>>();
const reported = new WeakMap<Entry, Set<string>>();

/** The YAML under `key` of a ConfigMap, parsed on first use; undefined when there is no such key. */
export function configMapFile(configMap: Entry, key: string): ParsedFile | undefined {
  let byKey = parsed.get(configMap);
  if (byKey === undefined) parsed.set(configMap, (byKey = new Map()));
  if (byKey.has(key)) return byKey.get(key);
  const text = asString(asRecord(configMap.object.data)[key]);
  let file: ParsedFile | undefined;
  if (text !== undefined) {
    try {
      file = { value: parse(text) };
    } catch (error) {
      file = { error: `not valid YAML: ${(error as Error).message.split('\n')[0]}` };
    }
  }
  byKey.set(key, file);
  return file;
}

/** Reports a file that does not parse, once per ConfigMap key and run. */
export function reportBrokenFile(ctx: CheckContext, configMap: Entry, key: string, file: ParsedFile | undefined): void {
  if (!file?.error) return;
  let keys = reported.get(configMap);
  if (keys === undefined) reported.set(configMap, (keys = new Set()));
  if (keys.has(key)) return;
  keys.add(key);
  ctx.report(configMap, fieldPath('data', key), file.error);
}
