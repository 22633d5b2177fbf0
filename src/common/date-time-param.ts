import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy } from 'class-validator';

/** An ISO 8601 date-time with a time zone (Z or an offset): what every date-time parameter takes. */
export const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Whether `value` is an ISO 8601 date-time with a time zone (`Z` or an offset) that names a real instant. */
export function isDateTimeWithZone(value: unknown): value is string {
  return typeof value === 'string' && DATE_TIME_WITH_OFFSET.test(value) && !Number.isNaN(Date.parse(value));
}

/** An optional query parameter holding an ISO 8601 date-time with a time zone. */
export function DateTimeParam(name: string, description: string, example: string) {
  return applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date-time', description, example }),
    IsOptional(),
    ValidateBy({
      name: 'isDateTimeWithZone',
      validator: {
        validate: (value: unknown) => isDateTimeWithZone(value),
        defaultMessage: () => `${name} must be an ISO 8601 date-time with a time zone, e.g. 2025-12-24T12:00:00Z`,
      },
    }),
  );
}
