/**
 * German-aware text folding for search: case, umlauts and ß folded, so that "Führerschein", "fuehrerschein"
 * and "fuhrerschein" meet. Documents are folded with umlauts dropped (ü -> u); query words additionally try the
 * transliteration (ue -> u), since people type both.
 */
const TRANSLITERATION = /(ae|oe|ue)/g;

export function foldGerman(text: string): string {
  return text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Query words (folded), at most `max`, each with its spelling variants. */
export function queryWords(query: string, max = 8): string[][] {
  const words = foldGerman(query).split(' ').filter((w) => w.length > 0);
  return [...new Set(words)].slice(0, max).map((word) => {
    const variants = new Set([word]);
    if (TRANSLITERATION.test(word)) variants.add(word.replace(TRANSLITERATION, (m) => m[0]));
    TRANSLITERATION.lastIndex = 0;
    return [...variants];
  });
}

/** A to_tsquery expression matching any variant of one word, as prefix. Words are [\p{L}\p{N}]+ after folding. */
export function tsQueryFor(variants: string[]): string {
  return variants.map((v) => `'${v}':*`).join(' | ');
}
