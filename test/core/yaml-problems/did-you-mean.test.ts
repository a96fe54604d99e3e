import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from '../../../src/core/yaml-problems/did-you-mean.js';

const CONNECTION_KEYS = ['name', 'type', 'direction', 'conflictPolicy', 'match', 'deletes', 'chunkSize'];

describe('didYouMean: the known key an unknown one is a typo of', () => {
  it.each([
    ['directon', 'direction', 'a dropped letter'],
    ['direciton', 'direction', 'two letters swapped (one edit)'],
    ['conflictPolicey', 'conflictPolicy', 'an extra letter'],
    ['chunksize', 'chunkSize', 'the wrong case alone'],
    ['delets', 'deletes', 'a dropped letter in a short word'],
  ])('%s → %s (%s)', (typed, meant) => {
    expect(didYouMean(typed, CONNECTION_KEYS)).toBe(meant);
  });

  it('suggests nothing for a short word two edits from a short key', () => {
    expect(editDistance('rpm', 'crm')).toBe(2);
    expect(didYouMean('rpm', ['crm', 'object', 'fields'])).toBeUndefined();
  });

  it('suggests nothing beyond two edits, however long the word', () => {
    expect(editDistance('conflictPolicyy', 'conflictPolicy')).toBe(1);
    expect(didYouMean('conflictResolution', CONNECTION_KEYS)).toBeUndefined();
    expect(didYouMean('rename', ['defaultRegion', 'fields', 'add', 'remove'])).toBeUndefined();
  });

  it('takes the closest key, and the first listed on a tie', () => {
    expect(didYouMean('nme', ['type', 'name', 'nmae'])).toBe('name');
    expect(didYouMean('tipe', ['type', 'tape'])).toBe('type');
  });
});
