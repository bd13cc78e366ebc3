// What the webhook bench scripts share: talking to a bench server child (run.js --serve) and running autocannon.

/** The child's next IPC message (its port, an RSS report); rejects if the child exits first. */
export function nextMessage(child, what = 'bench server') {
  return new Promise((resolvePromise, reject) => {
    const onExit = (code) => reject(new Error(`${what} exited with code ${code}`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.removeListener('exit', onExit); // one listener per message would pile up over the rounds
      resolvePromise(m);
    });
  });
}

/** One autocannon run as a promise. */
export function load(autocannon, opts) {
  return new Promise((resolvePromise, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolvePromise(result)));
  });
}
