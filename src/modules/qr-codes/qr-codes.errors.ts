import { DomainError } from '../../common/errors/domain-error.js';
import type { ErrorCode } from '../../common/errors/error-codes.js';

/**
 * Seed 004's error table, `{"error": <n>, "error_msg": "..."}`, with the HTTP status each is sent with:
 * 1 anything else, 10 the user is gone or locked (404), 101 no code sent (400), 102 no such code (404),
 * 103 not valid yet (403), 104 expired (410).
 */
export const QR_ERRORS = {
  unknown: { contractCode: 1, code: 'BAD_REQUEST', ru: 'Неизвестная ошибка', en: 'Unknown error' },
  userNotFound: { contractCode: 10, code: 'NOT_FOUND', ru: 'Пользователь не найден', en: 'User not found' },
  noCode: { contractCode: 101, code: 'BAD_REQUEST', ru: 'Код не был отправлен с клиента', en: 'No code was sent' },
  unknownCode: { contractCode: 102, code: 'NOT_FOUND', ru: 'Код отсутствует в базе данных', en: 'The code is not in the database' },
  notYetValid: {
    contractCode: 103,
    code: 'FORBIDDEN',
    ru: 'Код пока не действителен, будет действителен через {seconds} с',
    en: 'The code is not valid yet; it will be in {seconds} s',
  },
  expired: { contractCode: 104, code: 'GONE', ru: 'Код просрочен', en: 'The code has expired' },
} as const satisfies Record<string, { contractCode: number; code: ErrorCode; ru: string; en: string }>;

export function qrError(kind: keyof typeof QR_ERRORS, vars: Record<string, string | number> = {}): DomainError {
  const e = QR_ERRORS[kind];
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
  return new DomainError(e.code, { ru: fill(e.ru), en: fill(e.en) }, { contractCode: e.contractCode });
}
