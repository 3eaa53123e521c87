import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsString, Matches } from 'class-validator';

/** Positive bigint ids as the seeds show them (numbers), carried as strings inside the service. */
export const NUMERIC_ID = /^[1-9]\d{0,17}$/;

/** A body field holding a numeric id, given as a JSON number or a digit string (forms). */
export function IsNumericId(field: string): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value)),
    IsString(),
    Matches(NUMERIC_ID, { message: `${field} must be a positive integer` }),
  );
}
