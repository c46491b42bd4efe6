import { GraphError } from '../../graph/errors';

/** A token of a `$filter` or `$orderby` expression, with its 0-based position. */
export type Token =
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'datetime'; value: string; pos: number }
  | { kind: 'word'; value: string; pos: number }
  | { kind: 'punct'; value: '(' | ')' | ',' | '/' | ':'; pos: number }
  | { kind: 'end'; pos: number };

const DATETIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/iy;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** A name, or a namespace-qualified one (`microsoft.graph.x`, a type in a cast or isof). */
const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;

/** Builds the 400 for a syntax error, with the position and what was expected. */
export function syntaxError(option: string, text: string, pos: number, expected: string, found: string): GraphError {
  return new GraphError('BadRequest', `Syntax error in ${option} at position ${pos}: expected ${expected}, found ${found}. (${option}=${text})`);
}

/** Describes a token for error messages. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end of the expression';
    case 'string':
      return `the string '${t.value}'`;
    case 'number':
      return `the number ${t.text}`;
    case 'datetime':
      return `the date-time ${t.value}`;
    default:
      return `'${t.value}'`;
  }
}

function sticky(re: RegExp, text: string, pos: number): string | undefined {
  re.lastIndex = pos;
  return re.exec(text)?.[0];
}

/** Splits an expression into tokens in one linear pass. */
export function tokenize(text: string, option: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw syntaxError(option, text, i, "a closing quote (') for the string", 'the end of the expression');
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      tokens.push({ kind: 'string', value, pos: i });
      i = j + 1;
    } else if ('(),/:'.includes(c)) {
      tokens.push({ kind: 'punct', value: c as '(' | ')' | ',' | '/' | ':', pos: i });
      i++;
    } else {
      const datetime = sticky(DATETIME, text, i);
      const number = datetime ? undefined : sticky(NUMBER, text, i);
      const word = datetime || number ? undefined : sticky(WORD, text, i);
      if (datetime) tokens.push({ kind: 'datetime', value: datetime, pos: i });
      else if (number) tokens.push({ kind: 'number', value: Number(number), text: number, pos: i });
      else if (word) tokens.push({ kind: 'word', value: word, pos: i });
      else throw syntaxError(option, text, i, 'an operator, a literal or a property name', `the character '${c}'`);
      i += (datetime ?? number ?? word ?? '').length;
    }
  }
  tokens.push({ kind: 'end', pos: text.length });
  return tokens;
}
