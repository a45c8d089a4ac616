import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber } from '../../../shared/cli/option-parsers.ts';

describe('CLI option parsers', () => {
  it('positiveNumber takes fractions above 0 and refuses the rest', () => {
    expect(positiveNumber('2.5')).toBe(2.5);
    for (const bad of ['0', '-1', 'abc', '', 'Infinity']) expect(() => positiveNumber(bad)).toThrow(InvalidArgumentError);
  });

  it('nonNegativeNumber takes 0', () => {
    expect(nonNegativeNumber('0')).toBe(0);
    expect(() => nonNegativeNumber('-0.5')).toThrow(/not a number >= 0/);
  });

  it('nonNegativeInt takes decimal whole numbers from 0 (seeds), and refuses what parseInt would have cut short', () => {
    expect(nonNegativeInt('0')).toBe(0);
    expect(nonNegativeInt('4294967295')).toBe(4294967295);
    for (const bad of ['abc', '-1', '1.5', '42abc', '1e3', '', ' 7']) expect(() => nonNegativeInt(bad)).toThrow(/not an integer >= 0/);
  });

  it('positiveInt takes whole numbers from 1 only', () => {
    expect(positiveInt('1000')).toBe(1000);
    for (const bad of ['0', '1.5', '-3', 'x']) expect(() => positiveInt(bad)).toThrow(/not a positive integer/);
  });
});
