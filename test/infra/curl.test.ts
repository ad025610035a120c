/**
 * The `curlCommand` stack output is documented for `eval "$(pulumi stack output curlCommand)"`, so every
 * value in it must reach curl as one argument, whatever the spec holds. The real /bin/sh checks it, with
 * `curl` replaced by `printf '%s\n'` (one line per argument).
 */
import { execFileSync } from 'node:child_process';
import { curl, shellQuote } from '../../infra/curl';

function argumentsSeenBy(command: string): string[] {
  expect(command.startsWith('curl ')).toBe(true);
  const output = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${command.slice('curl '.length)}`], { encoding: 'utf8' });
  return output.replace(/\n$/, '').split('\n');
}

const HOSTILE = [`it's`, 'a;b', '$(touch /tmp/igw-curl-pwned)', '`id`', 'two words', `'; echo pwned; '`, '\\$HOME', ''];

test.each(HOSTILE)('shellQuote(%j) is one word holding exactly that value', (value) => {
  expect(execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' })).toBe(value);
});

test.each(HOSTILE.filter((value) => value !== ''))('a model name %j reaches curl unchanged inside the JSON body', (model) => {
  const args = argumentsSeenBy(curl('192.0.2.10', 80, { path: '/v1/completions', model }));
  expect(args).toHaveLength(8);
  expect(args.slice(0, 3)).toEqual(['-i', '-X', 'POST']);
  expect(args[3]).toBe('http://192.0.2.10:80/v1/completions');
  expect(args.slice(4, 7)).toEqual(['-H', 'Content-Type: application/json', '-d']);
  expect(JSON.parse(args[7]).model).toBe(model);
});

test('a path with a quote, a semicolon and a space stays one URL argument', () => {
  const args = argumentsSeenBy(curl('192.0.2.10', 8080, { path: `/team's; echo x/v1/completions`, model: 'm' }));
  expect(args[3]).toBe(`http://192.0.2.10:8080/team's; echo x/v1/completions`);
});
