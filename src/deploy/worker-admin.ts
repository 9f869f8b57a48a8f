import { PulsarAdmin } from '../client/admin.js';
import { tokenFromFile } from '../client/auth.js';
import type { WorkerConfig } from '../config/worker-config.js';

/** An admin client for the worker config's admin URL, with its token (a token file is re-read per request). */
export function workerAdmin(config: WorkerConfig): PulsarAdmin {
  const auth = config.auth;
  const token = auth.method === 'none' ? undefined : 'token' in auth ? auth.token : tokenFromFile(auth.tokenFile);
  return new PulsarAdmin({ adminUrl: config.adminUrl, ...(token === undefined ? {} : { token }), timeoutMs: 15_000 });
}
