import { describe, expect, it } from 'vitest';
import { PropsyncError, UnauthorizedError } from '../../src/core/errors.js';
import { RunAbort } from '../../src/engine/run-abort.js';

describe('RunAbort', () => {
  it('is not stopped until something reports into it', () => {
    const abort = new RunAbort();
    expect(abort.stopped).toBe(false);
    expect(abort.reason).toBeUndefined();
    expect(abort.summary()).toBeUndefined();
  });

  it('keeps the first reason: a later one does not overwrite it', () => {
    const abort = new RunAbort();
    abort.stop(new PropsyncError('MASS_DELETE_GUARD', 'too many deletes'));
    abort.fail(new UnauthorizedError('token expired'));
    expect(abort.stopped).toBe(true);
    expect(abort.summary()).toEqual({ code: 'MASS_DELETE_GUARD', message: 'too many deletes' });
  });

  it('keeps a typed error as it is, and turns anything else into INTERNAL with its message', () => {
    const typed = new RunAbort();
    const error = new UnauthorizedError('token expired');
    typed.fail(error);
    expect(typed.reason).toBe(error);

    const plain = new RunAbort();
    plain.fail(new TypeError('cannot read properties of undefined'));
    expect(plain.summary()).toEqual({ code: 'INTERNAL', message: 'cannot read properties of undefined' });
    const text = new RunAbort();
    text.fail('socket hang up');
    expect(text.summary()).toEqual({ code: 'INTERNAL', message: 'socket hang up' });
  });
});
