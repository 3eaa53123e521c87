import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, type FieldErrors } from '../errors/domain-error.js';

/** Flattens class-validator's tree into `{ "a.b[0].c": ["message", ...] }`. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const key = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    if (e.constraints) out[key] = Object.values(e.constraints);
    if (e.children?.length) Object.assign(out, fieldErrors(e.children, key));
  }
  return out;
}

/** A validation failure found by hand (rules across fields), in the same shape as the pipe's. */
export function invalidField(field: string, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `Validation failed: ${field}: ${message}`, { fields: { [field]: [message] } });
}

/**
 * The global ValidationPipe: unknown keys are refused (never silently dropped), values are transformed to
 * the DTO's types, and failures become a 400 DomainError with per-field messages.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = fieldErrors(errors);
      const summary = Object.entries(fields)
        .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
        .join('; ');
      return new DomainError('VALIDATION_FAILED', `Validation failed: ${summary}`.slice(0, 2000), { fields });
    },
  });
}
