/** A one-line progress display on stderr: redrawn in place on a TTY, a line every few seconds otherwise. */
export class ProgressLine {
  private readonly tty: boolean;
  private lastDraw = 0;
  private lastText = '';

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = stream.isTTY === true;
  }

  update(text: string, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < (this.tty ? 100 : 5000)) return;
    this.lastDraw = now;
    this.lastText = text;
    if (this.tty) this.stream.write(`\r\x1b[2K${text}`);
    else this.stream.write(`${text}\n`);
  }

  done(text = this.lastText): void {
    if (this.tty) this.stream.write(`\r\x1b[2K${text}\n`);
    else this.stream.write(`${text}\n`);
  }
}

/** `[#####.....] 50%` */
export function bar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${(f * 100).toFixed(0).padStart(3)}%`;
}

/** Waits so that `done` events over `elapsedMs` do not exceed `ratePerSec`. */
export async function pace(done: number, startedAt: number, ratePerSec: number): Promise<void> {
  if (!(ratePerSec > 0)) return;
  const due = startedAt + (done / ratePerSec) * 1000;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
}
