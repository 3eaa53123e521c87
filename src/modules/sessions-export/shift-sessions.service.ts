import { Inject, Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../common/database/unit-of-work.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { AuthContext } from '../../common/security/auth-context.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.tokens.js';
import { AccountsService, type Person } from '../auth/accounts.service.js';
import { type OfficeRef, OfficesService } from '../objects-workflow/offices.service.js';
import { QrCodesService } from '../qr-codes/qr-codes.service.js';
import { type ExportQuery, type ShiftItem, ShiftSessionsRepository } from './shift-sessions.repository.js';

export type ShiftAction = 'begin' | 'end' | 'none';

/** The groups whose members may export shifts and record them for others (besides administrators). */
export const SHIFT_MANAGERS = 'manager';

const OFFICE_MAX = 100;
const NAME_MAX = 500;

/**
 * Work shifts: begin, end, and the scan that links seed 004's codes to seed 000's sessions (a device at an office
 * identifies the user by their code, then begins their shift or ends the open one). One open shift per user,
 * kept by a partial unique index: of concurrent begins one inserts and the others find it. A scan within
 * SHIFT_SCAN_REPEAT_SECONDS of the shift's begin is the same scan again (the device read the code twice, or
 * two devices at once) and changes nothing.
 */
@Injectable()
export class ShiftSessionsService {
  constructor(
    private readonly repo: ShiftSessionsRepository,
    private readonly uow: UnitOfWork,
    private readonly offices: OfficesService,
    private readonly qr: QrCodesService,
    private readonly accounts: AccountsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A device's scan at its office. */
  async scan(auth: AuthContext, code: unknown, officeCode: string): Promise<{ action: ShiftAction; shift: ShiftItem }> {
    const office = await this.office(officeCode);
    if (!this.isDeviceOf(auth, office) && !auth.admin)
      throw new DomainError('FORBIDDEN', {
        ru: 'Сканировать в этом офисе может только его устройство',
        en: "Only this office's device may scan here",
      });
    const person = await this.qr.personOf(code);
    return this.uow.run(async () => {
      const begun = await this.repo.begin(this.newShift(person, office));
      if (begun) return { action: 'begin' as const, shift: begun };
      const open = await this.repo.lockOpen(person.id);
      if (!open) throw new DomainError('CONFLICT', { ru: 'Смена изменилась, повторите', en: 'The shift changed meanwhile; scan again' });
      const { ageSeconds, ...shift } = open;
      if (ageSeconds < this.config.shifts.scanRepeatSeconds) return { action: 'none' as const, shift };
      return { action: 'end' as const, shift: await this.repo.end(shift.sessionId, office.id, office.name, office.timeZone) };
    });
  }

  /** Begins a shift for the caller, or (managers, administrators, the office's device) for the user of a code. */
  async begin(auth: AuthContext, officeCode: string, code?: unknown): Promise<ShiftItem> {
    const office = await this.office(officeCode);
    const person = await this.subject(auth, office, code);
    const begun = await this.repo.begin(this.newShift(person, office));
    if (!begun) throw new DomainError('CONFLICT', { ru: 'Смена уже открыта', en: 'A shift is already open' });
    return begun;
  }

  async end(auth: AuthContext, officeCode: string, code?: unknown): Promise<ShiftItem> {
    const office = await this.office(officeCode);
    const person = await this.subject(auth, office, code);
    return this.uow.run(async () => {
      const open = await this.repo.lockOpen(person.id);
      if (!open) throw new DomainError('CONFLICT', { ru: 'Открытой смены нет', en: 'No shift is open' });
      return this.repo.end(open.sessionId, office.id, office.name, office.timeZone);
    });
  }

  /** Who may export: managers and administrators. */
  assertExporter(auth: AuthContext): void {
    if (!auth.admin && !auth.groups.includes(SHIFT_MANAGERS))
      throw new DomainError('FORBIDDEN', { ru: 'Выгрузка доступна менеджерам', en: 'Only managers may export sessions' });
  }

  /**
   * The export's query from seed 000's parameters: yyyyMMdd dates (end inclusive; none: the last seven days),
   * office names. Managers export only the offices they may see (as /api/v1/office/list shows them): with no
   * officeId those, and a name of an office they may not see is as unknown as a name of none.
   */
  async exportQuery(auth: AuthContext, begTime: unknown, endTime: unknown, officeId: unknown): Promise<ExportQuery> {
    const to = endTime === undefined ? today() : parseDay('endTime', endTime);
    const from = begTime === undefined ? addDays(to, -6) : parseDay('begTime', begTime);
    if (from > to) throw badParam('begTime', 'begTime is after endTime');
    const period = { from, to: addDays(to, 1) };
    const names = officeNames(officeId);
    if (!names && auth.admin) return period;
    const found = await this.offices.visible(auth, names);
    const missing = names ? names.filter((n) => !found.some((o) => o.name === n || o.code === n)) : [];
    if (missing.length) throw badParam('officeId', `unknown offices: ${missing.slice(0, 10).join(', ')}`);
    return { ...period, officeIds: found.map((o) => o.id) };
  }

  private isDeviceOf(auth: AuthContext, office: OfficeRef): boolean {
    return auth.via === 'token' && auth.clientId !== null && auth.clientId === office.deviceClient;
  }

  private async subject(auth: AuthContext, office: OfficeRef, code: unknown): Promise<Person> {
    if (code === undefined) {
      const self = await this.accounts.person(auth.userId);
      if (!self) throw new DomainError('NOT_FOUND');
      return self;
    }
    if (!auth.admin && !auth.groups.includes(SHIFT_MANAGERS) && !this.isDeviceOf(auth, office))
      throw new DomainError('FORBIDDEN', {
        ru: 'Отмечать смены других могут менеджеры и устройство офиса',
        en: "Only managers and the office's device may record others' shifts",
      });
    return this.qr.personOf(code);
  }

  private async office(code: string): Promise<OfficeRef> {
    const office = await this.offices.byCode(code);
    if (!office) throw new DomainError('NOT_FOUND', { ru: `Офис "${code}" не найден`, en: `No office "${code}"` });
    return office;
  }

  private newShift(p: Person, o: OfficeRef) {
    return {
      userId: p.id,
      userUuid: p.uuid,
      firstName: p.givenName,
      lastName: p.familyName,
      middleName: p.middleName,
      officeId: o.id,
      office: o.name,
      timeZone: o.timeZone,
    };
  }
}

const badParam = (field: string, message: string) =>
  new DomainError('VALIDATION_FAILED', { ru: message, en: message }, { fields: { [field]: [message] } });

function parseDay(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^\d{8}$/.test(value)) throw badParam(field, `${field} must be a date as yyyyMMdd`);
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) throw badParam(field, `${field} is not a calendar date`);
  return iso;
}

const today = () => new Date().toISOString().slice(0, 10);
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** `officeId`: repeated, `officeId[]`, or a JSON array in one parameter; undefined when not given. */
function officeNames(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  let list: unknown = value;
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      list = JSON.parse(value);
    } catch {
      throw badParam('officeId', 'officeId is not a JSON array');
    }
  }
  const names = (Array.isArray(list) ? list : [list]) as unknown[];
  if (names.length === 0 || names.length > OFFICE_MAX) throw badParam('officeId', `officeId takes 1 to ${OFFICE_MAX} names`);
  if (!names.every((n): n is string => typeof n === 'string' && n.length > 0 && n.length <= NAME_MAX))
    throw badParam('officeId', `officeId names are texts of 1 to ${NAME_MAX} characters`);
  return [...new Set(names)];
}
