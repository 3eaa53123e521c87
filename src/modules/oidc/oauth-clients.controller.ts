import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiContract } from '../../common/errors/api-contract.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { AdminOnly } from '../../common/security/auth-context.js';
import { ClientIdDto, CreateClientDto, UpdateClientDto } from './oauth-client.dto.js';
import { OAuthClientsService } from './oauth-clients.service.js';

/** Administration of OAuth clients (administrators only). Secrets are shown once, at creation and rotation. */
@ApiTags('oauth2')
@ApiContract('platform')
@ApiAuthenticated()
@AdminOnly()
@Controller('api/v1/admin/client')
export class OAuthClientsController {
  constructor(private readonly clients: OAuthClientsService) {}

  @Post('create')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create a client; the answer carries client_secret, shown this once' })
  create(@Body() body: CreateClientDto) {
    return this.clients.create(body);
  }

  @Post('list')
  @HttpCode(200)
  @ApiOperation({ summary: 'Every client (never a secret)' })
  list() {
    return this.clients.list();
  }

  @Post('get')
  @HttpCode(200)
  @ApiOperation({ summary: 'One client' })
  get(@Body() body: ClientIdDto) {
    return this.clients.get(body.client_id);
  }

  @Post('update')
  @HttpCode(200)
  @ApiOperation({ summary: 'Change the given fields of a client' })
  update(@Body() body: UpdateClientDto) {
    const { client_id, ...changes } = body;
    return this.clients.update(client_id, changes);
  }

  @Post('secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the secret: the new one is shown once, the old one stops working' })
  rotate(@Body() body: ClientIdDto) {
    return this.clients.rotateSecret(body.client_id);
  }

  @Post('delete')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a client' })
  delete(@Body() body: ClientIdDto) {
    return this.clients.delete(body.client_id);
  }
}
