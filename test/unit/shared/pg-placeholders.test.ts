import { describe, expect, it } from 'vitest';
import { toPgPlaceholders } from '../../../shared/storage/pg-placeholders.ts';

describe('toPgPlaceholders', () => {
  it('numbers ? placeholders in order', () => {
    expect(toPgPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?)')).toEqual({ text: 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)', count: 3 });
    expect(toPgPlaceholders('SELECT 1')).toEqual({ text: 'SELECT 1', count: 0 });
  });

  it('leaves a ? inside literals, quoted identifiers, dollar quotes and comments alone', () => {
    const cases: [string, string][] = [
      ["SELECT 'a?b', ?", "SELECT 'a?b', $1"],
      ["SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"],
      ["SELECT E'\\' ?', ?", "SELECT E'\\' ?', $1"],
      ["SELECT e'\\\\', ?", "SELECT e'\\\\', $1"],
      ['SELECT "we?ird""?" FROM t WHERE x = ?', 'SELECT "we?ird""?" FROM t WHERE x = $1'],
      ['SELECT $$ ? $$, $tag$ ?$$? $tag$, ?', 'SELECT $$ ? $$, $tag$ ?$$? $tag$, $1'],
      ['SELECT ? -- why?\n, ?', 'SELECT $1 -- why?\n, $2'],
      ['SELECT /* a? /* nested? */ b? */ ?', 'SELECT /* a? /* nested? */ b? */ $1'],
    ];
    for (const [sql, text] of cases) expect(toPgPlaceholders(sql).text, sql).toBe(text);
  });

  it('reads a backslash in a plain literal as text, and a $ inside a name as part of the name', () => {
    expect(toPgPlaceholders("SELECT note FROM t WHERE type='\\' AND x = ?").text).toBe("SELECT note FROM t WHERE type='\\' AND x = $1");
    expect(toPgPlaceholders('SELECT a$b$ FROM t WHERE x = ?').text).toBe('SELECT a$b$ FROM t WHERE x = $1');
  });

  it('copies an unterminated literal through for the server to report', () => {
    expect(toPgPlaceholders("SELECT ?, 'open ?")).toEqual({ text: "SELECT $1, 'open ?", count: 1 });
  });
});
