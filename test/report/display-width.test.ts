import { describe, expect, it } from 'vitest';
import { displayWidth, padEndToWidth, truncateToWidth } from '../../src/report/display-width.js';

describe('displayWidth: terminal columns', () => {
  it.each([
    ['', 0],
    ['Jane Doe', 8],
    ['Zoë', 3], // precomposed ë
    ['Zoe\u0308', 3], // e + combining diaeresis
    ['山田太郎', 8],
    ['김민준', 6],
    ['ｶﾀｶﾅ', 4], // half-width katakana: one column each
    ['ＡＢ', 4], // fullwidth Latin
    ['👍', 2],
    ['👩‍💻', 2], // ZWJ sequence: one grapheme
    ['🇸🇪', 2], // flag: two regional indicators
    ['❤️', 2], // text-default symbol asked for as emoji (VS16)
    ['❤', 1],
    ['a\u200bb', 2], // zero-width space
    ['Ωμέγα', 5],
  ])('%j is %i columns', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it('pads to a width and adds nothing when the text is already that wide', () => {
    expect(padEndToWidth('山田', 6)).toBe('山田  ');
    expect(padEndToWidth('山田', 4)).toBe('山田');
    expect(padEndToWidth('山田太郎', 4)).toBe('山田太郎');
  });

  it('truncates to at most the width, the ellipsis included, between graphemes', () => {
    expect(truncateToWidth('abcdef', 4)).toBe('abc…');
    expect(truncateToWidth('abcd', 4)).toBe('abcd');
    expect(truncateToWidth('山田太郎', 6)).toBe('山田…');
    expect(truncateToWidth('山田太郎', 4)).toBe('山…');
    expect(truncateToWidth('ab👩‍💻cd', 4)).toBe('ab…');
    expect(truncateToWidth('Zoe\u0308 Smith', 4)).toBe('Zoe\u0308…');
  });
});
