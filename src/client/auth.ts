import { readFile } from 'node:fs/promises';
import { AuthenticationError } from '../errors.js';

/** Credentials sent in CONNECT and AUTH_RESPONSE. */
export interface Authentication {
  /** The auth method name the broker's provider expects, e.g. "token". */
  readonly method: string;
  /** Current credentials; called at connect and on every AUTH_CHALLENGE, so a supplier can refresh them. */
  credentials(): Promise<Buffer>;
}

/** Token authentication: a static JWT or a function returning the current one (e.g. re-read from a file). */
export function tokenAuth(token: string | (() => string | Promise<string>)): Authentication {
  return {
    method: 'token',
    async credentials(): Promise<Buffer> {
      const t = typeof token === 'function' ? await token() : token;
      return Buffer.from(t.trim(), 'utf8');
    },
  };
}

/**
 * A token supplier that reads `path` on every call, so a rotated token (a re-mounted Kubernetes secret, a
 * file an agent rewrites) is sent at the next connect or AUTH_CHALLENGE: `tokenAuth(tokenFromFile(path))`.
 * A missing, unreadable or empty file rejects with AuthenticationError naming the file.
 */
export function tokenFromFile(path: string): () => Promise<string> {
  return async () => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new AuthenticationError(`cannot read the token file ${path}: ${(err as Error).message}`, { cause: err });
    }
    const token = text.trim();
    if (token === '') throw new AuthenticationError(`the token file ${path} is empty`);
    return token;
  };
}
