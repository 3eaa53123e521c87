import { Body, Controller, Get, HttpCode, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiContract } from '../../common/errors/api-contract.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { ListBodyDto } from '../objects-workflow/essence.dto.js';
import { Context, type RequestContext } from '../objects-workflow/request-context.js';
import { AddressLinksService } from './address-links.service.js';
import {
  AddressLinkSetDto,
  DataGetDto,
  DataSetDto,
  FileContentQueryDto,
  FilesGetDto,
  FilesSetDto,
  GeolocationSetDto,
  ObjectAddressDto,
  ObjectDataDto,
  ObjectFileDto,
  ObjectGeolocationDto,
} from './attachments.dto.js';
import { GeolocationService } from './geolocation.service.js';
import { IdFieldsDto } from '../objects-workflow/workflow.dto.js';
import { DataService } from './data.service.js';
import { FilesService } from './files.service.js';

/** The routes that carry file content (base64 in JSON): their body may be as large as FILE_MAX_BYTES encoded. */
export const FILE_UPLOAD_ROUTES = ['/api/v1/object/file', '/api/v1/object/files/set'];

/** Seed 002 "Файлы объекта", and the content of a file for browsers and curl. */
@ApiTags('object attachments')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1/object')
export class ObjectFilesController {
  constructor(private readonly files: FilesService) {}

  @Post('file')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The object’s files (no `files`, or null), or set them (see files/set)',
    description: 'Answers the object’s files (without content) after the change.',
  })
  file(@Body() body: ObjectFileDto, @Context() ctx: RequestContext) {
    return this.files.file(body.id, body.files, ctx);
  }

  @Post('files/set')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Store, replace or delete files of the object',
    description:
      'Keys not given are null. `size` absent or 0 deletes the file. With `data` (base64), `size` must be its decoded length and `hash`, if given, its SHA-256; content over FILE_MAX_BYTES is 413. Nothing is written when any item is refused. Answers the object’s files.',
  })
  set(@Body() body: FilesSetDto, @Context() ctx: RequestContext) {
    return this.files.set(body.id, body.files, ctx);
  }

  @Post('files/get')
  @HttpCode(200)
  @ApiOperation({ summary: 'One file by name, with its content as base64 in `data` (unless `fields` leaves it out)' })
  get(@Body() body: FilesGetDto, @Context() ctx: RequestContext) {
    return this.files.get(body.id, body.name, body.fields, ctx);
  }

  @Post('files/list')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Files of the objects the caller may see (list query; fields: object, name, path, size, date, hash, mediatype, updated)',
  })
  @ApiBody({ type: ListBodyDto })
  list(@Body() body: unknown, @Context() ctx: RequestContext) {
    return this.files.list(body, ctx);
  }

  @Get('file/content')
  @ApiOperation({
    summary: 'The stored content of a file, with its sniffed media type and an ETag (the SHA-256)',
    description: '304 for a matching If-None-Match; 404 for a file that is only a link to a path.',
  })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The content' })
  async content(
    @Query() q: FileContentQueryDto,
    @Context() ctx: RequestContext,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const file = await this.files.content(q.id, q.name, ctx);
    const etag = `"${file.hash}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    // User content: never run as a page of this origin, never re-sniffed by the browser.
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const match = req.headers['if-none-match'];
    if (match && match.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}` || t.trim() === '*')) {
      res.status(304);
      return undefined;
    }
    return new StreamableFile(file.content, { type: file.mediaType, length: file.content.length });
  }
}

/** Seed 002 "Данные объекта". */
@ApiTags('object attachments')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1/object')
export class ObjectDataController {
  constructor(private readonly data: DataService) {}

  @Post('data')
  @HttpCode(200)
  @ApiOperation({ summary: 'The object’s data (no `data`, or null), or set it (see data/set)' })
  objectData(@Body() body: ObjectDataDto, @Context() ctx: RequestContext) {
    return this.data.data(body.id, body.data, ctx);
  }

  @Post('data/set')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Store, replace or delete data of the object by (type, code)',
    description:
      '`data` absent or null deletes. `json` must parse and `xml` must be well-formed (400, nothing written). Answers the object’s data.',
  })
  set(@Body() body: DataSetDto, @Context() ctx: RequestContext) {
    return this.data.set(body.id, body.data, ctx);
  }

  @Post('data/get')
  @HttpCode(200)
  @ApiOperation({ summary: 'One item of the object’s data by type (id) or typecode, and code' })
  get(@Body() body: DataGetDto, @Context() ctx: RequestContext) {
    return this.data.get(body, ctx);
  }

  @Post('data/list')
  @HttpCode(200)
  @ApiOperation({ summary: 'Data of the objects the caller may see (list query; fields: object, type, typecode, code, data, updated)' })
  @ApiBody({ type: ListBodyDto })
  list(@Body() body: unknown, @Context() ctx: RequestContext) {
    return this.data.list(body, ctx);
  }
}

/** Seed 002 "Геолокация объекта". */
@ApiTags('object attachments')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1/object')
export class ObjectGeolocationController {
  constructor(private readonly geo: GeolocationService) {}

  @Post('geolocation')
  @HttpCode(200)
  @ApiOperation({ summary: 'The latest points (no `coordinates`, or null), or add points (see geolocation/set)' })
  geolocation(@Body() body: ObjectGeolocationDto, @Context() ctx: RequestContext) {
    return this.geo.geolocation(body.id, body.coordinates, ctx);
  }

  @Post('geolocation/set')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Add points to the object’s geolocation history',
    description:
      'Dated with the session’s oper_date, or now. code defaults to `default`; latitude -90..90, longitude -180..180. Answers the points added.',
  })
  set(@Body() body: GeolocationSetDto, @Context() ctx: RequestContext) {
    return this.geo.set(body.id, body.coordinates, ctx);
  }

  @Post('geolocation/get')
  @HttpCode(200)
  @ApiOperation({ summary: 'Per code, the latest point at or before the session’s oper_date (or now)' })
  get(@Body() body: IdFieldsDto, @Context() ctx: RequestContext) {
    return this.geo.get(body.id, body.fields, ctx);
  }

  @Post('geolocation/list')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The geolocation history of the objects the caller may see (list query)',
    description:
      'Fields: id, object, code, latitude, longitude, accuracy, label, description, date. Seed example: `{"filter": {"object": 2, "code": "default"}}`.',
  })
  @ApiBody({ type: ListBodyDto })
  list(@Body() body: unknown, @Context() ctx: RequestContext) {
    return this.geo.list(body, ctx);
  }
}

/** Seed 002 "Адрес объекта": address objects linked to an object, a temporal history per address type. */
@ApiTags('object attachments')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1/object')
export class ObjectAddressController {
  constructor(private readonly links: AddressLinksService) {}

  @Post('address')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The address links in force (no `addresses`, or null), or save addresses and link them',
    description:
      'Each item of `addresses` without `id` creates an address object (the `address` essence’s set: a KLADR `code` fills the parts), with `id` changes it; then it is linked under its type from the session’s oper_date (or now), closing the link of that type in force. Answers the links in force.',
  })
  address(@Body() body: ObjectAddressDto, @Context() ctx: RequestContext) {
    return this.links.address(body.id, body.addresses, ctx);
  }

  @Post('address/set')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Link existing address objects to the object from `datefrom`',
    description:
      '`datefrom` defaults to the session’s oper_date, or now. The link of the same address type in force then ends at `datefrom`; the new one runs until the next later link of that type, or stays open. Answers the links in force.',
  })
  set(@Body() body: AddressLinkSetDto, @Context() ctx: RequestContext) {
    return this.links.set(body.id, body.address, body.datefrom, ctx);
  }

  @Post('address/get')
  @HttpCode(200)
  @ApiOperation({ summary: 'The address links in force at the session’s oper_date (or now), one per address type' })
  get(@Body() body: IdFieldsDto, @Context() ctx: RequestContext) {
    return this.links.get(body.id, body.fields, ctx);
  }

  @Post('address/list')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The address link history of the objects the caller may see (list query)',
    description: 'Fields: id, object, address, type, typecode, text (the full address), datefrom, dateto (null while open).',
  })
  @ApiBody({ type: ListBodyDto })
  list(@Body() body: unknown, @Context() ctx: RequestContext) {
    return this.links.list(body, ctx);
  }
}
