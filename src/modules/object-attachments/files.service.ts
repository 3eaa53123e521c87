import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { parseListQuery } from '../../common/list-query/list-query.parser.js';
import { numbersIn, projectFields } from '../../common/list-query/result-rows.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AttachmentEvents } from './attachment-events.js';
import { AttachmentsRepository, FILE_COLUMNS, type FileWrite } from './attachments.repository.js';
import type { FileItemDto } from './attachments.dto.js';
import { type AttachmentContext, ObjectAccessPort } from './object-access.port.js';

const FILE_FIELDS = [...Object.keys(FILE_COLUMNS), 'data'];
const FILE_NUMBERS = ['object', 'size'];

type Prepared = { delete: true; name: string } | ({ delete: false } & Omit<FileWrite, 'objectId' | 'at'>);

/**
 * Base64 as clients send it: line breaks and spaces ignored, padding optional. Anything else (a character
 * outside the alphabet, a length no encoding has, trailing bits that are not zero) is refused rather than
 * decoded the lenient way Node would (it skips what it does not know).
 */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 === 1) return undefined;
  const padded = compact.length % 4 === 0 ? compact : compact + '='.repeat(4 - (compact.length % 4));
  const bytes = Buffer.from(padded, 'base64');
  return bytes.toString('base64') === padded ? bytes : undefined;
}

/**
 * Seed 002 "Файлы объекта". A file is keyed by its name (with its path); set replaces every attribute (keys
 * not given are null); `size` absent or 0 deletes it. Content is kept in PostgreSQL with the SHA-256 the
 * server computed (a given hash must match) and the media type sniffed from its first bytes.
 */
@Injectable()
export class FilesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: AttachmentsRepository,
    private readonly access: ObjectAccessPort,
    private readonly events: AttachmentEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** object/file: `files` absent or null reads, otherwise sets. */
  file(id: string, files: FileItemDto[] | null | undefined, ctx: AttachmentContext) {
    return files === undefined || files === null ? this.filesOf(id, ctx) : this.set(id, files, ctx);
  }

  async filesOf(id: string, ctx: AttachmentContext) {
    await this.access.require(id, ctx.actor, 's');
    return (await this.repo.filesOf(id)).map((r) => numbersIn(r, FILE_NUMBERS));
  }

  /** Every item is checked before anything is written: one bad item writes nothing. Answers the object's files. */
  async set(id: string, files: FileItemDto[], ctx: AttachmentContext) {
    const prepared: Prepared[] = [];
    for (const [i, item] of files.entries()) prepared.push(await this.prepare(item, `files[${i}]`));
    return this.uow.run(async () => {
      await this.access.require(id, ctx.actor, 'u');
      for (const f of prepared) {
        if (f.delete) {
          if (!(await this.repo.deleteFile(id, f.name))) continue;
          await this.events.record(
            ctx,
            'ObjectFileChanged',
            { object: id, name: f.name, change: 'deleted', size: null, hash: null, actor: ctx.actor.userId },
            `file deleted: object ${id}`,
          );
        } else {
          const { delete: _, ...write } = f;
          await this.repo.upsertFile({ ...write, objectId: id, at: ctx.operDate });
          await this.events.record(
            ctx,
            'ObjectFileChanged',
            { object: id, name: f.name, change: 'set', size: f.size, hash: f.hash, actor: ctx.actor.userId },
            `file set: object ${id}, ${f.size} bytes`,
          );
        }
      }
      return (await this.repo.filesOf(id)).map((r) => numbersIn(r, FILE_NUMBERS));
    });
  }

  private async prepare(item: FileItemDto, key: string): Promise<Prepared> {
    if (!item.size) return { delete: true, name: item.name };
    const base = { name: item.name, path: item.path ?? null, size: item.size, date: item.date ?? null };
    if (item.data === undefined || item.data === null) {
      // A link to a file on the server: nothing to check the size or hash against.
      return { delete: false, ...base, hash: item.hash ?? null, content: null, mediaType: null };
    }
    const max = this.config.attachments.fileMaxBytes;
    const content = decodeBase64(item.data);
    if (!content) throw invalidField(`${key}.data`, 'must be base64 (RFC 4648, standard alphabet)');
    if (content.length > max) throw tooLarge(key, max);
    if (content.length !== item.size) throw invalidField(`${key}.size`, `is ${item.size} but the content has ${content.length} bytes`);
    const hash = createHash('sha256').update(content).digest('hex');
    if (item.hash !== undefined && item.hash !== null && item.hash.toLowerCase() !== hash) {
      throw invalidField(`${key}.hash`, 'does not match the SHA-256 of the content');
    }
    const { fileTypeFromBuffer } = await import('file-type'); // loaded on the first upload, not at start-up
    const mediaType = (await fileTypeFromBuffer(content))?.mime ?? null;
    return { delete: false, ...base, hash, content, mediaType };
  }

  /** files/get: one file with its content (base64) unless `fields` leaves it out. 404 when there is no such file. */
  async get(id: string, name: string, fields: string[] | undefined, ctx: AttachmentContext) {
    if (fields?.length) projectFields([], fields, FILE_FIELDS); // an unknown field is a 400 before any read
    await this.access.require(id, ctx.actor, 's');
    const row = await this.repo.file(id, name, !fields?.length || fields.includes('data'));
    if (!row) throw fileNotFound(id);
    return projectFields([numbersIn(row, FILE_NUMBERS)], fields, FILE_FIELDS)[0];
  }

  /** files/list: the list language over the files of every object the actor may see. */
  async list(body: unknown, ctx: AttachmentContext) {
    const q = parseListQuery(body, FILE_COLUMNS, this.config.list, { orderBy: ['object', 'name'] });
    const access = await this.access.visibleFilter(ctx.actor, 1);
    const rows = await this.repo.list(`object_file f JOIN object o ON o.id = f.object_id`, FILE_COLUMNS, q, access);
    return rows.map((r) => numbersIn(r, FILE_NUMBERS));
  }

  /** The stored content for `GET object/file/content`; 404 for a file that is only a link. */
  async content(id: string, name: string, ctx: AttachmentContext) {
    await this.access.require(id, ctx.actor, 's');
    const row = await this.repo.fileContent(id, name);
    if (!row?.content) throw fileNotFound(id);
    return { content: row.content, mediaType: row.mediaType ?? 'application/octet-stream', hash: row.hash };
  }
}

function tooLarge(key: string, max: number): DomainError {
  return new DomainError('PAYLOAD_TOO_LARGE', `${key}: the content is larger than FILE_MAX_BYTES (${max} bytes)`, {
    fields: { [`${key}.data`]: [`must decode to at most ${max} bytes`] },
  });
}

function fileNotFound(id: string): DomainError {
  return new DomainError('NOT_FOUND', { ru: `Файл объекта ${id} не найден.`, en: `No such file of object ${id}.` });
}
