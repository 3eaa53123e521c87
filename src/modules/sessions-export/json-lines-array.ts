import { Transform, type TransformCallback } from 'node:stream';
import type { ByteMeter } from '../../common/memory/young-garbage.js';

const LF = 0x0a;
const COMMA = Buffer.from(',');
const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');
const EMPTY = Buffer.from('[]');

/**
 * JSON lines (one JSON value and `\n` per line, as the COPY of the export writes them) into one JSON array, byte
 * by byte: `[` before the first line, each line's `\n` a `,` when another line follows, `]` at the end (`[]` for
 * none). 0x0a is never part of a UTF-8 multibyte sequence, and JSON text has no raw newline, so every 0x0a is a
 * line end wherever the chunks are cut. A chunk's last newline is held back until more bytes come (then a comma)
 * or the end (then nothing).
 *
 * The chunks are changed in place and passed on (a view without the held newline): no copy and no new buffer per
 * chunk, so the garbage an export leaves for the GC is the socket's reads only. The transform owns its input:
 * pipe into it only buffers nobody else reads (the COPY stream's are its own). `passed` hears each chunk's length
 * (the export frees the socket's reads with it: common/memory).
 */
export class JsonLinesToArray extends Transform {
  private started = false;
  private held = false;

  constructor(private readonly passed: ByteMeter = () => {}) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (chunk.length === 0) return done();
    this.passed(chunk.length);
    const hold = chunk[chunk.length - 1] === LF;
    const body = hold ? chunk.subarray(0, chunk.length - 1) : chunk;
    for (let i = body.indexOf(LF); i !== -1; i = body.indexOf(LF, i + 1)) body[i] = COMMA[0];
    if (!this.started) this.push(OPEN);
    else if (this.held) this.push(COMMA);
    this.started = true;
    this.held = hold;
    done(null, body.length ? body : undefined);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.started ? CLOSE : EMPTY);
  }
}
