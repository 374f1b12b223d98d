import { describe, expect, it } from 'vitest';
import { InvalidInputError, SERVER_UNREACHABLE, userMessage } from './index.ts';

describe('userMessage', () => {
  it('says the server could not be reached for a fetch that got no answer', () => {
    expect(userMessage(new TypeError('Failed to fetch'))).toBe(SERVER_UNREACHABLE);
    expect(userMessage(new TypeError('NetworkError when attempting to fetch resource.'))).toBe(
      SERVER_UNREACHABLE,
    );
  });
  it('keeps other errors as one line', () => {
    expect(userMessage(new TypeError('x is not a function\nat …'))).toBe(
      'TypeError: x is not a function',
    );
    expect(userMessage(new InvalidInputError('bad input'))).toBe('bad input');
  });
});
