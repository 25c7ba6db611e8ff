import { registerEnumType } from '@nestjs/graphql';

/** Vertrauensniveau of a citizen sign-in (BundID: Basisregistrierung, substanziell, hoch). */
export enum TrustLevel {
  BASIS = 'BASIS',
  SUBSTANTIELL = 'SUBSTANTIELL',
  HOCH = 'HOCH',
}
registerEnumType(TrustLevel, { name: 'TrustLevel', description: 'Trust level (Vertrauensniveau) of a citizen sign-in: BASIS < SUBSTANTIELL < HOCH.' });

const RANK: Readonly<Record<TrustLevel, number>> = { BASIS: 0, SUBSTANTIELL: 1, HOCH: 2 };

/** Whether `actual` reaches `required`. */
export const reaches = (actual: TrustLevel, required: TrustLevel): boolean => RANK[actual] >= RANK[required];

/** The level a claim value stands for through the trust map; anything unknown (or not a string) is BASIS. */
export function trustLevelOf(claim: unknown, map: Readonly<Record<string, string | undefined>>): TrustLevel {
  if (typeof claim !== 'string' || !Object.hasOwn(map, claim)) return TrustLevel.BASIS;
  const level = map[claim];
  return level === TrustLevel.HOCH || level === TrustLevel.SUBSTANTIELL ? level : TrustLevel.BASIS;
}
