// Every command-line entry point runs through `runEntry`, so that whatever goes wrong the user sees one
// line, `<tool>: internal error: <message>`, and a non-zero exit code; the stack only with IGW_DEBUG=1.
// Expected problems (a bad spec, a missing directory) are reported by the commands themselves.

// Keeps a message on one line and free of terminal control sequences, whatever it quotes.
function oneLine(text) {
  const first = String(text).split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const clean = first.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '?');
  return clean.length > 300 ? `${clean.slice(0, 300)}...` : clean;
}

function describe(error) {
  if (error instanceof Error) return oneLine(error.message || error.name);
  return oneLine(typeof error === 'string' ? error : 'a non-Error value was thrown');
}

/** Runs `run` (returns an exit code, or a promise of one) with every failure turned into one line. */
function runEntry(tool, run) {
  let failed = false;
  const fail = (error) => {
    if (failed) return;
    failed = true;
    const debug = process.env.IGW_DEBUG === '1';
    process.stderr.write(`${tool}: internal error: ${describe(error)}${debug ? '' : ' (IGW_DEBUG=1 shows the stack)'}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  };
  // A reader that goes away (`npm run validate | head -1`) is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      fail(error);
    });
  }
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  try {
    Promise.resolve(run()).then((code) => {
      if (!failed) process.exitCode = typeof code === 'number' ? code : 0;
    }, fail);
  } catch (error) {
    fail(error);
  }
}

module.exports = { runEntry, oneLine };
