import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiContract } from '../../common/errors/api-contract.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { ADDRESS_PARTS, addressEssence, addressLine } from './essences/address.essence.js';
import { ObjectsService } from './objects.service.js';
import { Context, type RequestContext } from './request-context.js';
import { IdDto } from './workflow.dto.js';

class AddressStringDto {
  @ApiProperty({ example: '101000, г. Москва, ул. Тверская, д. 1, корп. 2, кв. 15' }) address: string;
}

/** Seed 002 "Адрес (`address`)": the essence's own endpoint besides the general ones. */
@ApiTags('objects')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1/address')
export class AddressController {
  constructor(private readonly objects: ObjectsService) {}

  @Post('get/string')
  @HttpCode(200)
  @ApiOperation({ summary: 'The address as one line, the Russian way: index first, then region..street, д., корп., стр., кв.' })
  @ApiOkResponse({ type: AddressStringDto })
  async string(@Body() body: IdDto, @Context() ctx: RequestContext): Promise<AddressStringDto> {
    return { address: addressLine(await this.objects.get(addressEssence, body.id, [...ADDRESS_PARTS], ctx)) };
  }
}
