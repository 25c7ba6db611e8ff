import { registerEnumType } from '@nestjs/graphql';

/** Vertrauensniveau of a citizen sign-in (BundID: Basisregistrierung, substanziell, hoch). */
export enum AccountTrustLevel {
  BASIS = 'BASIS',
  SUBSTANTIELL = 'SUBSTANTIELL',
  HOCH = 'HOCH',
}
registerEnumType(AccountTrustLevel, { name: 'AccountTrustLevel', description: 'Trust level (Vertrauensniveau) of a citizen sign-in: BASIS < SUBSTANTIELL < HOCH.' });

const RANK: Readonly<Record<AccountTrustLevel, number>> = { BASIS: 0, SUBSTANTIELL: 1, HOCH: 2 };

/** Whether `actual` reaches `required`. */
export const reaches = (actual: AccountTrustLevel, required: AccountTrustLevel): boolean => RANK[actual] >= RANK[required];

/** The level a claim value stands for through the trust map; anything unknown (or not a string) is BASIS. */
export function trustLevelOf(claim: unknown, map: Readonly<Record<string, string | undefined>>): AccountTrustLevel {
  if (typeof claim !== 'string' || !Object.hasOwn(map, claim)) return AccountTrustLevel.BASIS;
  const level = map[claim];
  return level === AccountTrustLevel.HOCH || level === AccountTrustLevel.SUBSTANTIELL ? level : AccountTrustLevel.BASIS;
}
