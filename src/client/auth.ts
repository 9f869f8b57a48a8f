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
