// Incremental frame decoder: bytes in (socket chunks of any size and alignment), DecodedFrames out.
import { ProtocolError } from '../errors.js';
import { DEFAULT_MAX_FRAME_SIZE, decodeFrame } from './frame.js';
import type { DecodedFrame } from './frame.js';

export type { DecodedFrame } from './frame.js';

export interface FrameDecoderOptions {
  /**
   * Largest accepted totalSize (bytes after the size field). Set it from CONNECTED's max_message_size with
   * setMaxFrameSize(maxFrameSizeFor(n)). @default DEFAULT_MAX_FRAME_SIZE (5 MiB + 10 KiB)
   */
  maxFrameSize?: number;
  /**
   * Called with each frame as soon as it is complete. Preferred over push()'s return value: when a later
   * frame of the same chunk is malformed, every frame before it has already been delivered here.
   */
  onFrame?: (frame: DecodedFrame) => void;
}

const NO_FRAMES: DecodedFrame[] = [];

/**
 * Frames are sliced out of the pushed chunks without copying when a chunk holds them whole (so chunks must
 * not be modified after push); a frame split over chunks is assembled in one buffer allocated to its exact
 * size once its size field has passed the limit check, so at most one frame (<= maxFrameSize + 4 bytes) is
 * ever buffered.
 *
 * Errors: push() throws ProtocolError when the byte stream cannot be framed any more (FRAME_TOO_LARGE,
 * BAD_FRAME_SIZE, BAD_COMMAND_SIZE, BAD_PROTOBUF, UNSAFE_INTEGER in the command): the connection must be
 * closed, and every later push() throws the same error. A frame whose payload section is corrupt (bad
 * checksum, bad metadata) is not an error here: it is delivered with checksumValid / payloadError set.
 */
export class FrameDecoder {
  private maxFrameSize: number;
  private readonly onFrame: ((frame: DecodedFrame) => void) | undefined;
  private readonly header = Buffer.alloc(4);
  private headerFill = 0;
  private pending: Buffer | undefined;
  private pendingFill = 0;
  private failure: ProtocolError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameSize = FrameDecoder.checkLimit(options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE);
    this.onFrame = options.onFrame;
  }

  private static checkLimit(n: number): number {
    if (!Number.isSafeInteger(n) || n < 8 || n > 0xffffffff) {
      throw new RangeError(`maxFrameSize must be an integer in [8, 2^32 - 1], got ${n}`);
    }
    return n;
  }

  /** Applies to frames whose size field arrives from now on. */
  setMaxFrameSize(n: number): void {
    this.maxFrameSize = FrameDecoder.checkLimit(n);
  }

  getMaxFrameSize(): number {
    return this.maxFrameSize;
  }

  /** Bytes held for an incomplete frame (at most maxFrameSize + 4). */
  get bufferedBytes(): number {
    return this.pending === undefined ? this.headerFill : this.pendingFill;
  }

  /** The error that stopped this decoder, if any. */
  get error(): ProtocolError | undefined {
    return this.failure;
  }

  /**
   * Feeds received bytes. Returns the frames completed by this chunk in order (an empty array when
   * onFrame is set: they went there).
   */
  push(chunk: Buffer): DecodedFrame[] {
    if (this.failure !== undefined) throw this.failure;
    const out = this.onFrame === undefined ? [] : NO_FRAMES;
    try {
      this.consume(chunk, out);
    } catch (err) {
      this.failure =
        err instanceof ProtocolError
          ? err
          : new ProtocolError('DECODER_FAILED', 'frame handling failed; the stream position is lost', { cause: err });
      throw err;
    }
    return out;
  }

  private consume(chunk: Buffer, out: DecodedFrame[]): void {
    let off = 0;
    const len = chunk.length;
    while (off < len) {
      const pending = this.pending;
      if (pending !== undefined) {
        const n = Math.min(pending.length - this.pendingFill, len - off);
        chunk.copy(pending, this.pendingFill, off, off + n);
        this.pendingFill += n;
        off += n;
        if (this.pendingFill < pending.length) return;
        this.pending = undefined;
        this.pendingFill = 0;
        this.deliver(pending, out);
        continue;
      }
      if (this.headerFill > 0 || len - off < 4) {
        // The size field itself is split across chunks.
        const n = Math.min(4 - this.headerFill, len - off);
        chunk.copy(this.header, this.headerFill, off, off + n);
        this.headerFill += n;
        off += n;
        if (this.headerFill < 4) return;
        this.headerFill = 0;
        this.startPending(this.header.readUInt32BE(0));
        continue;
      }
      const totalSize = chunk.readUInt32BE(off);
      this.checkSize(totalSize);
      if (len - off - 4 >= totalSize) {
        this.deliver(chunk.subarray(off, off + 4 + totalSize), out);
        off += 4 + totalSize;
      } else {
        this.startPending(totalSize);
        off += 4;
      }
    }
  }

  private checkSize(totalSize: number): void {
    if (totalSize > this.maxFrameSize) {
      throw new ProtocolError(
        'FRAME_TOO_LARGE',
        `frame of ${totalSize} bytes exceeds the limit of ${this.maxFrameSize}`,
        { context: { totalSize, maxFrameSize: this.maxFrameSize } },
      );
    }
    if (totalSize < 5) throw new ProtocolError('BAD_FRAME_SIZE', `totalSize ${totalSize} cannot hold a command`);
  }

  /** Allocates the buffer for a frame of this size (size field already written; pendingFill = 4). */
  private startPending(totalSize: number): void {
    this.checkSize(totalSize);
    const frame = Buffer.allocUnsafe(4 + totalSize);
    frame.writeUInt32BE(totalSize, 0);
    this.pending = frame;
    this.pendingFill = 4;
  }

  private deliver(frameBytes: Buffer, out: DecodedFrame[]): void {
    const frame = decodeFrame(frameBytes);
    if (this.onFrame === undefined) out.push(frame);
    else this.onFrame(frame);
  }
}
