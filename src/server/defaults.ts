/**
 * Defaults the CLI shows in its help, kept apart from app.ts so that reading them does not load Fastify.
 *
 * Open connections at once; past it new ones are closed at accept. The apiserver keeps a few pooled connections
 * per webhook, but each open TLS connection holds about 25 KiB: without a cap, some thousands of idle ones from
 * anything that can reach the Service would take the pod past the Deployment's 256Mi memory limit.
 */
export const DEFAULT_MAX_CONNECTIONS = 1024;
