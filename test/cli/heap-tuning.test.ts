/**
 * The V8 flags the binary sets at start-up (src/cli/heap-tuning.ts): the default, the
 * PROPSYNC_V8_FLAGS override and a flag given to node itself, which wins.
 */
import { describe, expect, it } from 'vitest';
import { heapFlags } from '../../src/cli/heap-tuning.js';

describe('heapFlags', () => {
  it('sets a heap growing factor of 2 by default', () => {
    expect(heapFlags({}, [])).toEqual(['--heap-growing-percent=100']);
  });

  it('takes PROPSYNC_V8_FLAGS instead of the default, an empty value setting none', () => {
    expect(heapFlags({ PROPSYNC_V8_FLAGS: ' --heap-growing-percent=50  --max-lazy ' }, [])).toEqual([
      '--heap-growing-percent=50',
      '--max-lazy',
    ]);
    expect(heapFlags({ PROPSYNC_V8_FLAGS: '' }, [])).toEqual([]);
  });

  it('leaves a flag node was started with alone, in either spelling', () => {
    expect(heapFlags({}, ['--heap-growing-percent=300'])).toEqual([]);
    expect(heapFlags({}, ['--heap_growing_percent=300'])).toEqual([]);
    expect(heapFlags({ PROPSYNC_V8_FLAGS: '--heap-growing-percent=50 --max-lazy' }, ['--max-lazy'])).toEqual([
      '--heap-growing-percent=50',
    ]);
  });
});
