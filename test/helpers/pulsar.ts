// Integration-test harness: the broker under test, unique names, admin calls, waiting on conditions.
import { randomBytes } from 'node:crypto';
import { PulsarAdmin } from '../../src/client/admin.js';

/** The broker's binary URL: set by scripts/run-tests.mjs (a running broker or the local standalone). */
export function serviceUrl(): string {
  const url = process.env.PULSAR_SERVICE_URL;
  if (!url) throw new Error('PULSAR_SERVICE_URL is not set: run integration tests with `node scripts/run-tests.mjs integration` (it starts a local broker) or point it at a running one');
  return url;
}

export function adminUrl(): string {
  const url = process.env.PULSAR_ADMIN_URL;
  if (url) return url;
  const m = /^pulsar(\+ssl)?:\/\/([^:/]+)/.exec(serviceUrl());
  return `http://${m?.[2] ?? '127.0.0.1'}:8080`;
}

export function admin(): PulsarAdmin {
  return new PulsarAdmin({ adminUrl: adminUrl() });
}

/** A name no other test (or earlier run) uses: prefix-<time>-<random>. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A unique topic in public/default, full form. */
export function uniqueTopic(prefix: string): string {
  return `persistent://public/default/${uniqueName(prefix)}`;
}

/** Polls `check` until it returns a truthy value or the deadline passes; returns that value. */
export async function waitFor<T>(
  check: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false && v !== null) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${opts.timeoutMs ?? 30_000} ms waiting for ${opts.what ?? 'a condition'}` +
          (lastError instanceof Error ? ` (last error: ${lastError.message})` : ''),
      );
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}
