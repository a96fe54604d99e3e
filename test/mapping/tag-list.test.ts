import { describe, expect, it } from 'vitest';
import { tagsToWrite } from '../../src/mapping/tag-list.js';

describe('tagsToWrite', () => {
  it('keeps a current tag holding `;` whole while all its pieces are there, and splits nothing else', () => {
    expect(tagsToWrite('Nordics;R&D;investor;vip', ['R&D; Nordics', 'vip'])).toEqual([
      'R&D; Nordics',
      'investor',
      'vip',
    ]);
    expect(tagsToWrite('R&D;vip', ['R&D; Nordics', 'vip'])).toEqual(['R&D', 'vip']);
    expect(tagsToWrite('a;b', null)).toEqual(['a', 'b']);
    expect(tagsToWrite('a;b', ['a', 'b'])).toEqual(['a', 'b']);
    // Whitespace and order inside the tag do not matter: its pieces compare as the canonical form does.
    expect(tagsToWrite('a;b;c', [' b ;a'])).toEqual([' b ;a', 'c']);
  });
});
