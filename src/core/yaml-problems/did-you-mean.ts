/**
 * The "did you mean" for an unknown key: the known key closest to it, when it is close enough
 * to be a typo of it and not merely another short word.
 *
 * Distance is Damerau-Levenshtein (optimal string alignment: a swap of two neighbours counts
 * as one edit, as in `direciton`) between the lower-cased words, so a wrong case alone
 * (`maxlength`) is distance 0. A key is suggested within 2 edits and within a third of the
 * typed word's length: typos are one or two keystrokes, and the third keeps short words from
 * matching unrelated short keys (`rpm` is two edits from `crm`, and no typo of it). Ties go to
 * the key the schema lists first.
 */

export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const limit = maxDistance(word);
  let best: string | undefined;
  let bestDistance = limit + 1;
  const typed = word.toLowerCase();
  for (const candidate of candidates) {
    const d = editDistance(typed, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Edits allowed for a typo of `word`: at most 2, at most a third of its length. */
function maxDistance(word: string): number {
  return Math.min(2, Math.floor(word.length / 3));
}

/** Optimal string alignment distance: insert, delete, substitute, swap neighbours. */
export function editDistance(a: string, b: string): number {
  // Three rows: the swap looks two rows back.
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, (before[j - 2] ?? 0) + 1);
      }
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length] ?? 0;
}
