/**
 * Readiness of a worker's components (one per function, plus e.g. the client connection). The worker is
 * ready when at least one component is registered and all are ready; `/readyz` reports each one.
 */

export interface ComponentReadiness {
  readonly ready: boolean;
  /** Why a component is not ready (e.g. "model failed to load: ..."), for /readyz and logs. */
  readonly reason?: string;
}

export class ReadinessRegistry {
  private readonly components = new Map<string, ComponentReadiness>();

  /** Adds a component, not ready until `set(name, true)`. */
  register(name: string, reason = 'starting'): void {
    if (!this.components.has(name)) this.components.set(name, { ready: false, reason });
  }

  set(name: string, ready: boolean, reason?: string): void {
    this.components.set(name, ready || reason === undefined ? { ready } : { ready, reason });
  }

  /** Removes a component (a function that was stopped on purpose). */
  remove(name: string): void {
    this.components.delete(name);
  }

  isReady(): boolean {
    if (this.components.size === 0) return false;
    for (const c of this.components.values()) if (!c.ready) return false;
    return true;
  }

  snapshot(): Readonly<Record<string, ComponentReadiness>> {
    return Object.fromEntries(this.components);
  }
}
