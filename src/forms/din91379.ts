/**
 * DIN 91379 "Datentyp C" (the successor of DIN SPEC 91379 / String.Latin+ 1.2 "datatype C"): all normative
 * characters of the standard, i.e. the Latin letters (single code points and the listed combining sequences),
 * the normative non-letters, the space and tab, line feed and carriage return.
 *
 * The character data below was derived by hand from the `datatypeC` pattern of the official XSD
 * `din-norm-91379-datatypes.xsd` (KoSIT, XÖV-Bibliothek, namespace urn:xoev-de:kosit:xoev:datentyp:din-91379_2022-08).
 * The XSD itself is not part of the project; din91379.spec.ts compares this code with it when the reference
 * folder is available.
 *
 * The check does not normalise: like the XSD it accepts NFC text only (a decomposed "A" + U+0308 is refused,
 * the precomposed "Ä" accepted), which is what DIN 91379 prescribes for data exchange.
 */

/** Single code points of datatype C, as inclusive ranges in ascending order. */
const RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0009, 0x000a], [0x000d, 0x000d], [0x0020, 0x007e], [0x00a0, 0x00ac], [0x00ae, 0x017e], [0x0187, 0x0188],
  [0x018f, 0x018f], [0x0197, 0x0197], [0x01a0, 0x01a1], [0x01af, 0x01b0], [0x01b7, 0x01b7], [0x01cd, 0x01dc],
  [0x01de, 0x01df], [0x01e2, 0x01f0], [0x01f4, 0x01f5], [0x01f8, 0x01ff], [0x0212, 0x0213], [0x0218, 0x021b],
  [0x021e, 0x021f], [0x0227, 0x0233], [0x0259, 0x0259], [0x0268, 0x0268], [0x0292, 0x0292], [0x02b9, 0x02ba],
  [0x02be, 0x02bf], [0x02c8, 0x02c8], [0x02cc, 0x02cc], [0x1e02, 0x1e03], [0x1e06, 0x1e07], [0x1e0a, 0x1e11],
  [0x1e17, 0x1e17], [0x1e1c, 0x1e2b], [0x1e2f, 0x1e37], [0x1e3a, 0x1e3b], [0x1e40, 0x1e49], [0x1e52, 0x1e5b],
  [0x1e5e, 0x1e63], [0x1e6a, 0x1e6f], [0x1e80, 0x1e87], [0x1e8c, 0x1e97], [0x1e9e, 0x1e9e], [0x1ea0, 0x1ef9],
  [0x2019, 0x2019], [0x2021, 0x2021], [0x20ac, 0x20ac],
];

/**
 * Letters that exist only as a base letter followed by combining characters: base code point → what may follow
 * it. (The base letters on their own are in RANGES; the combining characters never are.)
 */
const SEQUENCES: ReadonlyMap<number, readonly string[]> = new Map<number, string[]>([
  [0x0041, ['\u030B']],
  [0x0043, ['\u0300', '\u0304', '\u0306', '\u0308', '\u0315', '\u0323', '\u0326', '\u0328\u0306']],
  [0x0044, ['\u0302']],
  [0x0046, ['\u0300', '\u0304']],
  [0x0047, ['\u0300']],
  [0x0048, ['\u0304', '\u0326', '\u0331']],
  [0x004a, ['\u0301', '\u030C']],
  [0x004b, ['\u0300', '\u0302', '\u0304', '\u0307', '\u0315', '\u031B', '\u0326', '\u035F\u0048', '\u035F\u0068']],
  [0x004c, ['\u0302', '\u0325', '\u0325\u0304', '\u0326']],
  [0x004d, ['\u0300', '\u0302', '\u0306', '\u0310']],
  [0x004e, ['\u0302', '\u0304', '\u0306', '\u0326']],
  [0x0050, ['\u0300', '\u0304', '\u0315', '\u0323']],
  [0x0052, ['\u0306', '\u0325', '\u0325\u0304']],
  [0x0053, ['\u0300', '\u0304', '\u031B\u0304', '\u0331']],
  [0x0054, ['\u0300', '\u0304', '\u0308', '\u0315', '\u031B']],
  [0x0055, ['\u0307']],
  [0x005a, ['\u0300', '\u0304', '\u0306', '\u0308', '\u0327']],
  [0x0061, ['\u030B']],
  [0x0063, ['\u0300', '\u0304', '\u0306', '\u0308', '\u0315', '\u0323', '\u0326', '\u0328\u0306']],
  [0x0064, ['\u0302']],
  [0x0066, ['\u0300', '\u0304']],
  [0x0067, ['\u0300']],
  [0x0068, ['\u0304', '\u0326']],
  [0x006a, ['\u0301']],
  [0x006b, ['\u0300', '\u0302', '\u0304', '\u0307', '\u0315', '\u031B', '\u0326', '\u035F\u0068']],
  [0x006c, ['\u0302', '\u0325', '\u0325\u0304', '\u0326']],
  [0x006d, ['\u0300', '\u0302', '\u0306', '\u0310']],
  [0x006e, ['\u0302', '\u0304', '\u0306', '\u0326']],
  [0x0070, ['\u0300', '\u0304', '\u0315', '\u0323']],
  [0x0072, ['\u0306', '\u0325', '\u0325\u0304']],
  [0x0073, ['\u0300', '\u0304', '\u031B\u0304', '\u0331']],
  [0x0074, ['\u0300', '\u0304', '\u0315', '\u031B']],
  [0x0075, ['\u0307']],
  [0x007a, ['\u0300', '\u0304', '\u0306', '\u0308', '\u0327']],
  [0x00c7, ['\u0306']],
  [0x00db, ['\u0304']],
  [0x00e7, ['\u0306']],
  [0x00fb, ['\u0304']],
  [0x00ff, ['\u0301']],
  [0x010c, ['\u0315', '\u0323']],
  [0x010d, ['\u0315', '\u0323']],
  [0x0113, ['\u030D']],
  [0x012a, ['\u0301']],
  [0x012b, ['\u0301']],
  [0x014d, ['\u030D']],
  [0x017d, ['\u0326', '\u0327']],
  [0x017e, ['\u0326', '\u0327']],
  [0x1e32, ['\u0304']],
  [0x1e33, ['\u0304']],
  [0x1e62, ['\u0304']],
  [0x1e63, ['\u0304']],
  [0x1e6c, ['\u0304']],
  [0x1e6d, ['\u0304']],
  [0x1ea0, ['\u0308']],
  [0x1ea1, ['\u0308']],
  [0x1ecc, ['\u0308']],
  [0x1ecd, ['\u0308']],
  [0x1ee4, ['\u0304', '\u0308']],
  [0x1ee5, ['\u0304', '\u0308']],
].map(([base, tails]) => [base as number, [...(tails as string[])].sort((a, b) => b.length - a.length)]));

function inRanges(codePoint: number): boolean {
  let lo = 0;
  let hi = RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [from, to] = RANGES[mid];
    if (codePoint < from) hi = mid - 1;
    else if (codePoint > to) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * Whether `value` consists only of DIN 91379 datatype C characters (the empty string does). Linear in the
 * length: at each position the longest listed combining sequence wins, which is safe because a combining
 * character can never start a character of its own.
 */
export function isDin91379Text(value: string): boolean {
  let i = 0;
  while (i < value.length) {
    const codePoint = value.codePointAt(i) as number;
    const width = codePoint > 0xffff ? 2 : 1;
    const tail = SEQUENCES.get(codePoint)?.find((t) => value.startsWith(t, i + width));
    if (tail !== undefined) {
      i += width + tail.length;
      continue;
    }
    if (!inRanges(codePoint)) return false;
    i += width;
  }
  return true;
}

