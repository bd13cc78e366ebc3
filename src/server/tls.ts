/**
 * The serving certificate and key, loaded from files and reloaded when the files change (cert-manager, or a
 * mounted Secret rotating by swapping its `..data` symlink). fs.watch on the folders gives quick reloads where
 * inotify works; a poll catches the rest (network filesystems, some container runtimes, missed events).
 * A pair that does not load (the key not yet written, or not matching) is never installed: the old pair stays
 * until both files agree. Certificate and key text is never logged.
 */
import { EventEmitter } from 'node:events';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { dirname } from 'node:path';

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

export interface KeyPair {
  cert: string;
  key: string;
  /** facts safe to log and export: no key material */
  serialNumber: string;
  notAfter: Date;
}

/** The TLS settings of every context the server uses (first and reloaded alike). */
export const TLS_DEFAULTS = { minVersion: 'TLSv1.2' } as const satisfies SecureContextOptions;

/** Reads and checks a pair; throws an Error naming the files (never their contents) when it does not load. */
export function loadKeyPair(files: TlsFiles): KeyPair {
  let cert: string;
  let key: string;
  try {
    cert = readFileSync(files.certFile, 'utf8');
    key = readFileSync(files.keyFile, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the TLS certificate or key: ${(err as Error).message}`);
  }
  return checkPair(files, cert, key);
}

function checkPair(files: TlsFiles, cert: string, key: string): KeyPair {
  let x509: X509Certificate;
  try {
    // OpenSSL checks that the key belongs to the certificate
    createSecureContext({ ...TLS_DEFAULTS, cert, key });
    x509 = new X509Certificate(cert);
  } catch (err) {
    throw new Error(
      `cannot use the TLS pair ${files.certFile} + ${files.keyFile}: ${shortOpenSslMessage((err as Error).message)}`,
    );
  }
  return { cert, key, serialNumber: x509.serialNumber, notAfter: new Date(x509.validTo) };
}

function shortOpenSslMessage(msg: string): string {
  // "error:05800074:x509 certificate routines::key values mismatch" -> "key values mismatch"
  const m = /routines::?([^:\n]+)$/.exec(msg) ?? /:([^:\n]+)$/.exec(msg);
  return (m?.[1] ?? msg).trim();
}

export interface WatcherOptions {
  /** poll period, the fallback when fs.watch misses a change; 0 disables polling */
  pollIntervalMs?: number;
  /** use fs.watch on the files' folders (default true) */
  watch?: boolean;
  /** wait for a burst of file events to settle (a pair is written as two files) */
  debounceMs?: number;
}

export interface CertificateWatcherEvents {
  reload: [KeyPair];
  reloadFailed: [Error];
}

/** Emits `reload` with each new pair that loads, `reloadFailed` once per distinct pair that does not. */
export class CertificateWatcher extends EventEmitter<CertificateWatcherEvents> {
  current: KeyPair;
  private readonly files: TlsFiles;
  private readonly opts: Required<WatcherOptions>;
  private watchers: FSWatcher[] = [];
  private poller: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private lastFailed: string | undefined;

  constructor(files: TlsFiles, opts: WatcherOptions = {}) {
    super();
    this.files = files;
    this.opts = { pollIntervalMs: opts.pollIntervalMs ?? 10_000, watch: opts.watch ?? true, debounceMs: opts.debounceMs ?? 100 };
    this.current = loadKeyPair(files);
  }

  start(): void {
    if (this.opts.watch) {
      for (const dir of new Set([dirname(this.files.certFile), dirname(this.files.keyFile)])) {
        try {
          const w = watch(dir, { persistent: false }, () => this.schedule());
          w.on('error', () => w.close()); // e.g. the folder vanished; polling still runs
          this.watchers.push(w);
        } catch {
          // no inotify here: polling alone
        }
      }
    }
    if (this.opts.pollIntervalMs > 0) {
      this.poller = setInterval(() => this.check(), this.opts.pollIntervalMs);
      this.poller.unref();
    }
  }

  stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.poller) clearInterval(this.poller);
    if (this.debounce) clearTimeout(this.debounce);
    this.poller = undefined;
    this.debounce = undefined;
  }

  /** Loads the files if they changed; true when a new pair was installed. */
  check(): boolean {
    let cert: string;
    let key: string;
    try {
      cert = readFileSync(this.files.certFile, 'utf8');
      key = readFileSync(this.files.keyFile, 'utf8');
    } catch (err) {
      this.fail(`missing:${(err as Error).message}`, new Error(`cannot read the TLS certificate or key: ${(err as Error).message}`));
      return false;
    }
    if (cert === this.current.cert && key === this.current.key) return false;
    let pair: KeyPair;
    try {
      pair = checkPair(this.files, cert, key);
    } catch (err) {
      this.fail(cert + key, err as Error);
      return false;
    }
    this.current = pair;
    this.lastFailed = undefined;
    this.emit('reload', pair);
    return true;
  }

  private fail(fingerprint: string, err: Error): void {
    if (this.lastFailed === fingerprint) return;
    this.lastFailed = fingerprint;
    this.emit('reloadFailed', err);
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.check();
    }, this.opts.debounceMs);
    this.debounce.unref();
  }
}
