import { describe, expect, it } from 'vitest';
import { greeting } from './chat-title.ts';

describe('greeting', () => {
  it('names the others by first name, in alphabetical order, whatever order they come in', () => {
    expect(greeting(['Grace Hopper', 'Alan Kay'])).toBe('Alan and Grace');
    expect(greeting(['Bob Noyce'])).toBe('Bob');
    expect(greeting(['Grace Hopper', 'Alan Kay', 'Ada Lovelace'])).toBe('Ada, Alan and Grace');
  });

  it('counts the rest of a large group', () => {
    expect(greeting(['Dan D', 'Cy C', 'Bo B', 'Al A', 'Eve E'])).toBe('Al, Bo and 3 others');
  });
});
