import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

/** PostgreSQL's bigint ceiling: every id column is a bigint. */
const BIGINT_MAX = 9_223_372_036_854_775_807n;
const DIGITS = /^[1-9]\d{0,18}$/;

/**
 * The one numeric-id rule of the API: a positive integer that fits a bigint, given as a JSON number (only a safe
 * integer: `1e20` or `2**60` cannot be what the client meant) or a digit string (forms, and ids past 2^53).
 * Returns the id as the service carries it (a string), or undefined for anything else (`null`, `-1`, `1.5`,
 * `"1e3"`, `"99999999999999999999"`).
 */
export function numericId(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value > 0 ? String(value) : undefined;
  if (typeof value === 'string' && DIGITS.test(value) && BigInt(value) <= BIGINT_MAX) return value;
  return undefined;
}

/** A body field holding a numeric id (see numericId); the DTO property is a string. */
export function IsNumericId(field: string): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => numericId(value) ?? value),
    ValidateBy({
      name: 'isNumericId',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && numericId(value) === value,
        defaultMessage: () => `${field} must be a positive integer id of at most ${BIGINT_MAX}`,
      },
    }),
  );
}
