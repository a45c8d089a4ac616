const IDENT = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Index just past a literal that opens at `i` and closes with `quote`, a doubled quote staying inside. */
function skipQuoted(sql: string, i: number, quote: string, backslashEscapes: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (backslashEscapes && c === '\\') j += 2;
    else if (c === quote && sql[j + 1] === quote) j += 2;
    else if (c === quote) return j + 1;
    else j += 1;
  }
  return sql.length;
}

/** Index just past a block comment opening at `i` (PostgreSQL's nest). */
function skipBlockComment(sql: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < sql.length) {
    if (sql.startsWith('/*', j)) {
      depth += 1;
      j += 2;
    } else if (sql.startsWith('*/', j)) {
      depth -= 1;
      j += 2;
      if (depth === 0) return j;
    } else j += 1;
  }
  return sql.length;
}

/**
 * Rewrites the `?` placeholders every repository writes as PostgreSQL's `$1 … $n`, in order.
 * A `?` inside a string literal (`'…'`, `E'…'`), a quoted identifier, a dollar-quoted body or
 * a comment is text, not a placeholder, and stays as it is.
 * @example toPgPlaceholders("SELECT '?' FROM t WHERE a = ? AND b = ?") // text: "SELECT '?' FROM t WHERE a = $1 AND b = $2", count: 2
 */
export function toPgPlaceholders(sql: string): { text: string; count: number } {
  let out = '';
  let count = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const prevIsIdent = i > 0 && IDENT.test(sql[i - 1] ?? '');
    let end = i + 1;
    if (c === '?') {
      out += `$${++count}`;
      i += 1;
      continue;
    }
    if (c === "'") {
      // E'…' strings take backslash escapes; `'` after any other letter opens a plain literal
      const escaped = i > 0 && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !(i > 1 && IDENT.test(sql[i - 2] ?? ''));
      end = skipQuoted(sql, i, "'", escaped);
    } else if (c === '"') end = skipQuoted(sql, i, '"', false);
    else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      end = nl < 0 ? sql.length : nl;
    } else if (c === '/' && sql[i + 1] === '*') end = skipBlockComment(sql, i);
    else if (c === '$' && !prevIsIdent) {
      const tag = DOLLAR_TAG.exec(sql.slice(i))?.[0];
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        end = close < 0 ? sql.length : close + tag.length;
      }
    }
    out += sql.slice(i, end);
    i = end;
  }
  return { text: out, count };
}
