/**
 * Parsers of numeric CLI option values for commander: each returns the number or throws
 * commander's InvalidArgumentError, which it reports as "option '--x <n>' argument '…' is invalid".
 */
import { InvalidArgumentError } from 'commander';

/** A number above 0 (fractions allowed): `--duration 2.5`. */
export function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`not a positive number: ${v}`);
  return n;
}

/** A number of 0 or more: `--warmup 0`. */
export function nonNegativeNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`not a number >= 0: ${v}`);
  return n;
}

/** A whole number of 0 or more, in decimal digits: `--seed 0`. */
export function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`not an integer >= 0: ${v}`);
  return n;
}

/** A whole number of 1 or more: `--queries 1000`. */
export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`not a positive integer: ${v}`);
  return n;
}
