import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiContract } from '../../common/errors/api-contract.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { AdminOnly, Auth, type AuthContext } from '../../common/security/auth-context.js';
import { AddressTreeRepository } from './address-tree.repository.js';
import { AddressTreeService } from './address-tree.service.js';
import {
  TreeGetDto,
  TreeHistoryDto,
  TreeImportDto,
  TreeImportGetDto,
  TreeImportStartedDto,
  TreeNodeDto,
  TreeStringDto,
  TreeStringResponseDto,
} from './address-tree.dto.js';
import { KladrImporter } from './kladr-importer.service.js';

/** Seed 002 "КЛАДР": the address tree, and its import for administrators. */
@ApiTags('address')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1/address/tree')
export class AddressTreeController {
  constructor(
    private readonly tree: AddressTreeService,
    private readonly importer: KladrImporter,
    private readonly runs: AddressTreeRepository,
  ) {}

  @Post('get')
  @HttpCode(200)
  @ApiOperation({ summary: 'One node of the KLADR tree by id (404 when there is none)' })
  @ApiOkResponse({ type: TreeNodeDto })
  get(@Body() body: TreeGetDto) {
    return this.tree.get(body.id, body.fields);
  }

  @Post('list')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The tree by the list query language',
    description:
      'Children of a node: `{"filter": {"parent": 1770000000000000}}`; by name: `{"search": [{"field": "name", "compare": "LKE", "value": "Моск%"}]}` ' +
      '(a trigram index keeps `%моск%` fast too). Default order: by code.',
  })
  @ApiBody({ schema: { type: 'object', example: { filter: { parent: 1770000000000000 }, reclimit: 10 } } })
  @ApiOkResponse({ type: [TreeNodeDto] })
  list(@Body() body: unknown) {
    return this.tree.list(body);
  }

  @Post('history')
  @HttpCode(200)
  @ApiOperation({ summary: 'The node and all its ancestors, node first (by id, or by code when no id is given)' })
  @ApiOkResponse({ type: [TreeNodeDto] })
  history(@Body() body: TreeHistoryDto) {
    return this.tree.history(body);
  }

  @Post('string')
  @HttpCode(200)
  @ApiOperation({ summary: 'The address of a code as one line, from the country down' })
  @ApiOkResponse({ type: TreeStringResponseDto })
  async string(@Body() body: TreeStringDto): Promise<TreeStringResponseDto> {
    return { address: await this.tree.string(body.code, body.short, body.level) };
  }

  @Post('release')
  @HttpCode(200)
  @ApiOperation({ summary: 'The release in force and how many nodes of each level it has (nulls before the first import)' })
  release() {
    return this.tree.release();
  }

  @Post('import')
  @HttpCode(202)
  @AdminOnly()
  @ApiOperation({
    summary: 'Administrators: import a KLADR release already on the server (inside KLADR_IMPORT_DIR)',
    description:
      'Starts the import and answers at once; follow it with `import/get`. One import at a time (409 otherwise). ' +
      'The tree in force is replaced only when the whole release has loaded; a bad file leaves it as it was.',
  })
  @ApiAcceptedResponse({ type: TreeImportStartedDto })
  async import(@Body() body: TreeImportDto, @Auth() auth: AuthContext): Promise<TreeImportStartedDto> {
    const id = await this.importer.startOnServer(body.source, auth.userId);
    return { id: Number(id), status: 'running' };
  }

  @Post('import/get')
  @HttpCode(200)
  @AdminOnly()
  @ApiOperation({ summary: 'Administrators: an import run (the latest when no id): status, progress, counts, rejections, error' })
  async importGet(@Body() body: TreeImportGetDto) {
    const run = await this.runs.importRun(body.id);
    if (!run) throw new DomainError('NOT_FOUND', { en: 'No such import', ru: 'Такой загрузки нет' });
    return { ...run, id: Number(run.id), userId: run.userId === null ? null : Number(run.userId) };
  }
}
