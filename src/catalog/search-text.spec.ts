import { foldGerman, queryWords, tsQueryFor } from './search-text.js';

describe('foldGerman', () => {
  it('folds case, umlauts, ß and punctuation', () => {
    expect(foldGerman('Führerschein')).toBe('fuhrerschein');
    expect(foldGerman('FÜHRERSCHEIN')).toBe('fuhrerschein');
    expect(foldGerman('Straße, Öl & Ärger!')).toBe('strasse ol arger');
    expect(foldGerman('Café-Erlaubnis (§ 2)')).toBe('cafe erlaubnis 2');
  });
});

describe('queryWords', () => {
  it('adds the umlaut transliteration as a variant', () => {
    expect(queryWords('fuehrerschein')).toEqual([['fuehrerschein', 'fuhrerschein']]);
    expect(queryWords('Führerschein')).toEqual([['fuhrerschein']]);
    expect(queryWords('Auto anmelden')).toEqual([['auto'], ['anmelden']]);
  });

  it('drops duplicates and caps the number of words', () => {
    expect(queryWords('a a b', 8)).toEqual([['a'], ['b']]);
    expect(queryWords('1 2 3 4 5 6 7 8 9 10', 3)).toHaveLength(3);
  });

  it('builds prefix tsqueries from safe words only', () => {
    expect(tsQueryFor(['fuehrerschein', 'fuhrerschein'])).toBe("'fuehrerschein':* | 'fuhrerschein':*");
    expect(queryWords("x' | !y")).toEqual([['x'], ['y']]);
  });
});
