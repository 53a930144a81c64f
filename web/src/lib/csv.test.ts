import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRecords, toCsv } from './csv';

describe('parseCsv', () => {
  it('reads quoted fields, doubled quotes, commas and newlines inside quotes, CRLF and a BOM', () => {
    const text = '\ufefftag,name\r\nA-1,"Laptop, 14"""\r\nA-2,"two\nlines"\n';
    expect(parseCsv(text)).toEqual([['tag', 'name'], ['A-1', 'Laptop, 14"'], ['A-2', 'two\nlines']]);
  });
  it('keeps empty fields and a last line without a newline, drops blank lines', () => {
    expect(parseCsv('a,,c\n\n1,2,')).toEqual([['a', '', 'c'], ['1', '2', '']]);
  });
  it('refuses an unclosed quote', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(/not closed/);
  });
  it('maps rows to records by lower-cased header, missing cells empty', () => {
    expect(parseCsvRecords('Tag, Name\nX-1\n').records).toEqual([{ tag: 'X-1', name: '' }]);
  });
});

describe('toCsv', () => {
  it('round-trips values that need quoting', () => {
    const text = toCsv(['a', 'b'], [['x, y', 'say "hi"'], [null, 3]]);
    expect(text).toBe('a,b\r\n"x, y","say ""hi"""\r\n,3\r\n');
    expect(parseCsv(text)).toEqual([['a', 'b'], ['x, y', 'say "hi"'], ['', '3']]);
  });
});
