import { Matches, registerDecorator, ValidationOptions } from 'class-validator';
import { amountProblem, quantityProblem } from '../../money/money';

/** Identifiers chosen by clients (activity codes, disbursement ids, journal and document ids...). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
export const IsLedgerId = () =>
  Matches(ID_PATTERN, {
    message: ({ property }) => `${property} must be 1-100 characters of letters, digits, ".", "_", ":" or "-", starting with a letter or digit`,
  });

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The dates the ledger takes (decisions, vouchers, effective dates, deadlines, documents): 2000-01-01 to 2100-12-31,
 * the same span as a fund line's budget and origin years. The programmes it follows run 2021-2035; a date outside
 * is a typing error ("0100-01-01", "9999-12-31"), and would sort before or after everything real.
 */
export const DATE_RANGE = { from: '2000-01-01', to: '2100-12-31' } as const;

/** Why a value is not a real calendar date YYYY-MM-DD within DATE_RANGE, or null when it is. */
export function calendarDateProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a calendar date YYYY-MM-DD';
  const m = DATE.exec(value);
  if (!m) return `"${value}" is not a calendar date YYYY-MM-DD`;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return `"${value}" is not a real date (no such day in the calendar)`;
  }
  if (value < DATE_RANGE.from || value > DATE_RANGE.to) {
    return `"${value}" is outside the dates the ledger takes, ${DATE_RANGE.from} to ${DATE_RANGE.to}`;
  }
  return null;
}

/** Why a text is not a label (a decision's number or issuer, a treasury, a title): one line, no space around it. */
export function labelProblem(value: unknown): string | null {
  if (typeof value !== 'string') return null; // IsString says so
  if (/[\t\n\r]/.test(value)) return 'must be one line of text (no line break or tab)';
  if (value.trim() !== value) return 'must not begin or end with a space';
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

/** A positive exact amount of đồng as a decimal string: at most 2 decimal places, no exponent, no float, at most the ceiling. */
export const IsAmount = checkedBy('isAmount', amountProblem);

/** A quantity (houses, households, hectares): a positive decimal string, as an amount is (at most 2 decimal places). */
export const IsQuantity = checkedBy('isQuantity', quantityProblem);

/** One line of text with no space around it: what a decision's number or issuer is. */
export const IsLabel = checkedBy('isLabel', labelProblem);

/** A real calendar date: 2024-02-29 passes, 2023-02-29 and 2024-13-01 do not. */
export const IsCalendarDate = checkedBy('isCalendarDate', calendarDateProblem);
