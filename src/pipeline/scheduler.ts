/**
 * Clock and timers behind an interface, so time-driven components (the KeyBatcher's maxWaitMs) are
 * tested deterministically with ManualScheduler instead of sleeping.
 */

export interface TimerHandle {
  readonly id: number;
}

export interface Scheduler {
  /** Milliseconds, in the same time base as the receivedAt values given to the components. */
  now(): number;
  setTimer(callback: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** Wall clock (Date.now) and Node timers; timers do not keep the process alive. */
export const systemScheduler: Scheduler = (() => {
  const timers = new Map<number, NodeJS.Timeout>();
  let next = 1;
  return {
    now: () => Date.now(),
    setTimer(callback, delayMs) {
      const id = next++;
      const t = setTimeout(() => {
        timers.delete(id);
        callback();
      }, Math.max(0, delayMs));
      t.unref();
      timers.set(id, t);
      return { id };
    },
    clearTimer(handle) {
      const t = timers.get(handle.id);
      if (t !== undefined) clearTimeout(t);
      timers.delete(handle.id);
    },
  };
})();

/** A clock that moves only when told to; `advance` fires due timers in time order. */
export class ManualScheduler implements Scheduler {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, delayMs), callback });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  /** Timers currently armed. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves the clock forward by `ms`, firing every timer due on the way (in order of due time). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let dueId: number | undefined;
      let dueAt = Infinity;
      for (const [id, t] of this.timers) {
        if (t.at <= end && t.at < dueAt) {
          dueAt = t.at;
          dueId = id;
        }
      }
      if (dueId === undefined) break;
      const timer = this.timers.get(dueId);
      this.timers.delete(dueId);
      this.time = Math.max(this.time, dueAt);
      timer?.callback();
    }
    this.time = end;
  }
}
