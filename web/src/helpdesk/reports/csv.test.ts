import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes commas, quotes and new lines, and leaves numbers and empties plain', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['two\nlines', 3], [null, undefined]]))
      .toBe('a,b\r\n"x,y","say ""hi"""\r\n"two\nlines",3\r\n,\r\n');
  });
  it('defuses text a spreadsheet would run as a formula', () => {
    expect(toCsv(['n'], [['=HYPERLINK("x")'], ['+1'], ['-2'], ['@SUM(A1)'], [-2]]))
      .toBe('n\r\n"\'=HYPERLINK(""x"")"\r\n\'+1\r\n\'-2\r\n\'@SUM(A1)\r\n-2\r\n');
  });
});
