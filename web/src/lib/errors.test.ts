import { describe, expect, it } from 'vitest';
import { describeError } from './errors';

describe('describeError', () => {
  it('explains known PostgREST and GoTrue codes in plain words', () => {
    expect(describeError({ code: '42501', message: 'permission denied for table tickets' })).toBe('You do not have permission to do that.');
    expect(describeError({ code: 'invalid_credentials', message: 'Invalid login credentials', status: 400 })).toBe('The email or password is wrong.');
  });
  it('says the server cannot be reached on network failures', () => {
    expect(describeError(new TypeError('Failed to fetch'))).toMatch(/cannot be reached/);
  });
  it('keeps an unknown message, as a sentence, with its details', () => {
    expect(describeError({ message: 'new row violates check', details: 'minutes must be > 0' }))
      .toBe('New row violates check minutes must be > 0.');
  });
  it('falls back by HTTP status when there is no message', () => {
    expect(describeError({ statusCode: '413' })).toBe('That file is too large.');
    expect(describeError({ status: 503 })).toMatch(/server had a problem/);
    expect(describeError(null)).toBe('Unknown error.');
  });
});
