import { Body, Controller, Get, HttpCode, Param, ParseEnumPipe, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiContract } from '../../common/errors/api-contract.js';
import { ApiAuthenticated } from '../../common/openapi/swagger.js';
import { invalidField } from '../../common/validation/validation.pipe.js';
import { Auth, type AuthContext } from '../../common/security/auth-context.js';
import { OperDateDto, RefDto } from './auth.dto.js';
import { type CurrentParam, ProfileService, type SessionParam } from './profile.service.js';

const CURRENT = ['session', 'user', 'userid', 'username', 'area', 'interface', 'locale', 'oper_date'] as const;
const SETTABLE = ['area', 'interface', 'locale'] as const;

const currentParam = new ParseEnumPipe(Object.fromEntries(CURRENT.map((c) => [c, c])));

const requireRef = (ref: RefDto) => {
  // null is "not given" (the DTO's optional fields let it through).
  if (ref.id == null && ref.code == null) throw invalidField('id', 'id or code is required');
  return { id: ref.id ?? undefined, code: ref.code ?? undefined };
};

/** Seed 002: whoami, current values, session settings and locales. The reads answer GET as well as POST. */
@ApiTags('auth')
@ApiContract('platform')
@ApiAuthenticated()
@Controller('api/v1')
export class ProfileController {
  constructor(private readonly profiles: ProfileService) {}

  @Get('whoami')
  @ApiOperation({ summary: 'Who am I: the client (id, email, phone), profile, name, session, locale, area, interface' })
  whoamiGet(@Auth() auth: AuthContext) {
    return this.profiles.whoami(auth);
  }

  @Post('whoami')
  @HttpCode(200)
  @ApiOperation({ summary: 'Who am I (POST, as seed 002 signs it)' })
  whoami(@Auth() auth: AuthContext) {
    return this.profiles.whoami(auth);
  }

  @Get('current/:param')
  @ApiParam({ name: 'param', enum: CURRENT })
  @ApiOperation({ summary: 'A current value of the session' })
  currentGet(@Param('param', currentParam) param: CurrentParam, @Auth() auth: AuthContext) {
    return this.profiles.current(auth, param);
  }

  @Post('current/:param')
  @HttpCode(200)
  @ApiParam({ name: 'param', enum: CURRENT })
  @ApiOperation({ summary: 'A current value of the session (POST)' })
  current(@Param('param', currentParam) param: CurrentParam, @Auth() auth: AuthContext) {
    return this.profiles.current(auth, param);
  }

  @Post('session/set/oper_date')
  @HttpCode(200)
  @ApiOperation({ summary: 'Work as of an archive date; null returns to now' })
  setOperDate(@Body() body: OperDateDto, @Auth() auth: AuthContext) {
    return this.profiles.setOperDate(auth, body.oper_date ?? null);
  }

  @Post('session/set/:param')
  @HttpCode(200)
  @ApiParam({ name: 'param', enum: SETTABLE })
  @ApiOperation({ summary: "Switch the session's area, interface or locale (id or code; only values the user is allowed)" })
  set(
    @Param('param', new ParseEnumPipe(Object.fromEntries(SETTABLE.map((c) => [c, c])))) param: SessionParam,
    @Body() body: RefDto,
    @Auth() auth: AuthContext,
  ) {
    return this.profiles.setSessionValue(auth, param, requireRef(body));
  }

  @Get('locale')
  @ApiOperation({ summary: 'The available locales' })
  localesGet() {
    return this.profiles.locales();
  }

  @Post('locale')
  @HttpCode(200)
  @ApiOperation({ summary: 'The available locales (POST)' })
  locales() {
    return this.profiles.locales();
  }

  @Post('locale/set')
  @HttpCode(200)
  @ApiOperation({ summary: "Set the session's locale (id or code)" })
  setLocale(@Body() body: RefDto, @Auth() auth: AuthContext) {
    return this.profiles.setSessionValue(auth, 'locale', requireRef(body));
  }
}
