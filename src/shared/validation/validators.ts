import { Matches, registerDecorator, ValidationOptions } from 'class-validator';
import { amountProblem } from '../../money/money';

/** Identifiers chosen by clients (activity codes, disbursement ids, journal and document ids...). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
export const IsLedgerId = () =>
  Matches(ID_PATTERN, {
    message: ({ property }) => `${property} must be 1-100 characters of letters, digits, ".", "_", ":" or "-", starting with a letter or digit`,
  });

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Why a value is not a real calendar date YYYY-MM-DD, or null when it is. */
export function calendarDateProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a calendar date YYYY-MM-DD';
  const m = DATE.exec(value);
  if (!m) return `"${value}" is not a calendar date YYYY-MM-DD`;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return `"${value}" is not a real date (no such day in the calendar)`;
  }
  return null;
}

/** A class-validator decorator from a function saying why a value is wrong (null when it is right). */
function checkedBy(name: string, problem: (value: unknown) => string | null) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (target, propertyName) =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: propertyName as string,
        options,
        validator: {
          validate: (value: unknown) => problem(value) === null,
          defaultMessage: (args) => `${args?.property} ${problem(args?.value)}`,
        },
      });
}

/** A positive exact amount of đồng as a decimal string: at most 2 decimal places, no exponent, no float. */
export const IsAmount = checkedBy('isAmount', amountProblem);

/** A real calendar date: 2024-02-29 passes, 2023-02-29 and 2024-13-01 do not. */
export const IsCalendarDate = checkedBy('isCalendarDate', calendarDateProblem);
