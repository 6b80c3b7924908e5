/** "Did you mean": the closest known name to a misspelled one (fastest-levenshtein is imported only here). */
import { closest, distance } from 'fastest-levenshtein';

/** The known name closest to `word` when it is plausibly a typo of it (edit distance ≤ max(2, a third of its length) and
 *  shorter than the word: a swap of two letters is 2), else undefined. */
export function suggest(word: string, known: readonly string[]): string | undefined {
  if (!known.length) return undefined;
  const w = word.toLowerCase();
  const d0 = distance(w, closest(w, known.map((k) => k.toLowerCase())));
  // among equally close names, the one of the most similar length ('gropus' → 'groups', not 'group')
  const best = known
    .filter((k) => distance(w, k.toLowerCase()) === d0)
    .sort((a, b) => Math.abs(a.length - word.length) - Math.abs(b.length - word.length))[0];
  return d0 <= Math.max(2, Math.floor(word.length / 3)) && d0 < word.length ? best : undefined;
}

/** "unknown key 'mdoe' (did you mean 'mode'?)" for each unknown key, with the list of known keys. */
export function unknownKeysMessage(keys: readonly string[], known: readonly string[], what = 'key'): string {
  const parts = keys.map((k) => {
    const s = suggest(k, known);
    return `unknown ${what} '${k}'${s ? ` (did you mean '${s}'?)` : ''}`;
  });
  return `${parts.join('; ')}; ${known.length ? `known ${what}s: ${known.join(', ')}` : `it takes no ${what}s: {}`}`;
}
