/** Text helpers shared by the normalization rules. */

/**
 * Lower case, without diacritics ("Türki̇ye" → "turkiye"), with "U.S." folded to "us" and single
 * spaces, so word rules need not care about spelling variants.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/(^|[^a-z])u\.s\.(?:a\.)?/g, '$1us')
    .replace(/(^|[^a-z])u\.k\./g, '$1uk')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A regex for `source` as whole words: not inside a longer word or number. `\b` cannot be used
 * because it ignores non-ASCII letters and treats "%" or "$" as non-words.
 */
export function wholeWords(source: string, flags = 'iu'): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${source})(?![\\p{L}\\p{N}])`, flags);
}

/**
 * The tokens of a units string, case kept: runs of letters, digits and currency symbols.
 * "AMT, current US$" → ["AMT", "current", "US$"]; "USD/bbl" → ["USD", "bbl"].
 */
export function tokens(text: string): string[] {
  return text.split(/[^\p{L}\p{N}$€£¥']+/u).filter((token) => token !== '' && token !== "'");
}

/** Text with any parenthesised part removed: "US Dollar (Next day)" → "US Dollar". */
export function withoutParentheses(text: string): string {
  return text.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
}
