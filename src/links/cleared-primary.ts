/** A Propstreet `primary` row's detail when the row clears the primary instead of setting it. */
export const CLEARED_PRIMARY = 'cleared';
