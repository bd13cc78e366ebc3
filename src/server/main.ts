/**
 * The only place that listens: start the webhook, and shut it down gracefully (SIGTERM: readyz turns 503,
 * wait `shutdownDelayMs` for endpoints to drop the pod, stop accepting, finish in-flight reviews, resolve).
 */
import { buildServer, SERVER_DEFAULTS, type ServerOptions, type WebhookServer } from './app.js';

export interface StartOptions extends ServerOptions {
  host: string;
  /** 0: an ephemeral port (tests) */
  port: number;
  /** between readyz turning 503 and closing the listener (Kubernetes: endpoint propagation) */
  shutdownDelayMs?: number;
  /** after this, connections still open are cut and shutdown completes anyway */
  shutdownTimeoutMs?: number;
  /** install SIGTERM / SIGINT handlers (the CLI does; tests do not) */
  handleSignals?: boolean;
}

export interface RunningServer {
  app: WebhookServer;
  port: number;
  /** https://host:port */
  url: string;
  /** starts a graceful shutdown (idempotent); resolves when the server is closed */
  shutdown(reason?: string): Promise<void>;
  /** resolves when the server has closed, however that started */
  closed: Promise<void>;
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const app = buildServer(opts);
  await app.listen({ host: opts.host, port: opts.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  app.btls.log.info({ url: `https://${hostForUrl}:${port}` }, 'listening');

  let resolveClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  let shuttingDown: Promise<void> | undefined;
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
  const onSignal = (signal: NodeJS.Signals): void => {
    void shutdown(signal);
  };

  function shutdown(reason = 'shutdown requested'): Promise<void> {
    shuttingDown ??= (async () => {
      app.btls.log.info({ reason, delayMs: opts.shutdownDelayMs ?? 0 }, 'shutting down: readyz now fails');
      app.btls.drain();
      if (opts.shutdownDelayMs) await new Promise((r) => setTimeout(r, opts.shutdownDelayMs));
      // Node stops enforcing requestTimeout once the server closes: a client that never finishes its request
      // would hold the shutdown to the end. Past requestTimeout no request still arriving would be answered.
      const timeoutMs = Math.min(opts.shutdownTimeoutMs ?? 20_000, (opts.requestTimeoutMs ?? SERVER_DEFAULTS.requestTimeoutMs) + 1000);
      const timer = setTimeout(() => {
        app.btls.log.warn({ timeoutMs }, 'in-flight requests did not finish in time; closing their connections');
        app.server.closeAllConnections();
      }, timeoutMs);
      timer.unref();
      try {
        await app.close(); // stops accepting, closes idle keep-alive connections, waits for in-flight requests
      } finally {
        clearTimeout(timer);
        if (opts.handleSignals) for (const s of signals) process.removeListener(s, onSignal);
        app.btls.log.info('server closed');
        resolveClosed();
      }
    })();
    return shuttingDown;
  }

  if (opts.handleSignals) for (const s of signals) process.on(s, onSignal);
  return { app, port, url: `https://${hostForUrl}:${port}`, shutdown, closed };
}
