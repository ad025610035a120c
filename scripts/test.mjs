// `npm test`: the type check and jest's in-process project at once. On two cores the single-threaded type
// check (5 to 10 s) runs beside jest instead of before it; its report is printed when it ends, and the
// command fails if either fails. `npm run test:processes` (`--processes`) runs jest's other project, the
// suites that start child processes (test/tiers.js). Other arguments go to jest, before
// --selectProjects, which would take every word after it for a project name.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(command, args, stdio) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ code: 1, output: `${error.message}\n` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

const args = process.argv.slice(2);
const processes = args[0] === '--processes';
const jestArgs = [...(processes ? args.slice(1) : args), '--selectProjects', processes ? 'processes' : 'in-process'];
const typeCheck = processes
  ? Promise.resolve(undefined)
  : run(bin('tsc'), ['--noEmit', '-p', '.', '--incremental', '--tsBuildInfoFile', 'node_modules/.cache/igw-tsc.tsbuildinfo'], ['ignore', 'pipe', 'pipe']);
const [checked, tested] = await Promise.all([typeCheck, run(bin('jest'), jestArgs, 'inherit')]);
if (checked !== undefined) process.stdout.write(checked.code === 0 ? 'type check: no errors\n' : `type check failed:\n${checked.output}`);
process.exitCode = (checked?.code ?? 0) !== 0 || tested.code !== 0 ? 1 : 0;
