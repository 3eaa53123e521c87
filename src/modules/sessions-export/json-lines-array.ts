import { Transform, type TransformCallback } from 'node:stream';

const LF = 0x0a;
const COMMA = 0x2c;
const OPEN = Buffer.from('[');
const CLOSE = Buffer.from(']');
const EMPTY = Buffer.from('[]');

/**
 * JSON lines (one JSON value and `\n` per line, as the COPY of the export writes them) into one JSON array, byte
 * by byte: `[` before the first line, each line's `\n` a `,` when another line follows, `]` at the end (`[]` for
 * none). 0x0a is never part of a UTF-8 multibyte sequence, and JSON text has no raw newline, so every 0x0a is a
 * line end wherever the chunks are cut. A chunk's last newline is held back until more bytes come (then a comma)
 * or the end (then nothing). Chunks pass as Buffers, one copy each, never decoded.
 */
export class JsonLinesToArray extends Transform {
  private started = false;
  private held = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (chunk.length === 0) return done();
    const hold = chunk[chunk.length - 1] === LF;
    const body = hold ? chunk.length - 1 : chunk.length;
    const lead = !this.started || this.held ? 1 : 0;
    const out = Buffer.allocUnsafe(lead + body);
    if (lead) out[0] = this.started ? COMMA : OPEN[0];
    chunk.copy(out, lead, 0, body);
    for (let i = out.indexOf(LF, lead); i !== -1; i = out.indexOf(LF, i + 1)) out[i] = COMMA;
    this.started = true;
    this.held = hold;
    done(null, out);
  }

  override _flush(done: TransformCallback): void {
    done(null, this.started ? CLOSE : EMPTY);
  }
}
