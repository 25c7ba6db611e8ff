import type { ErrorObject } from 'ajv';

export type MessageLocale = 'de' | 'en';

const q = (locale: MessageLocale, label: string) => (locale === 'de' ? `„${label}“` : `"${label}"`);
const germanDate = (iso: string) => iso.split('-').reverse().join('.');

const FORMAT_DE: Record<string, string> = {
  date: 'muss ein gültiges Datum sein',
  'date-time': 'muss ein gültiger Zeitpunkt sein',
  time: 'muss eine gültige Uhrzeit sein',
  email: 'muss eine gültige E-Mail-Adresse sein',
  uri: 'muss eine gültige Internetadresse sein',
  uuid: 'muss eine gültige Kennung sein',
};
const FORMAT_EN: Record<string, string> = {
  date: 'must be a valid date',
  'date-time': 'must be a valid point in time',
  time: 'must be a valid time',
  email: 'must be a valid e-mail address',
  uri: 'must be a valid web address',
  uuid: 'must be a valid id',
};

/**
 * One sentence per error, naming the field by its label. `otherLabel` names the field a
 * dependentRequired error depends on; `declaration` says the field is a declaration that has to be ticked.
 */
export function messageFor(error: ErrorObject, label: string, locale: MessageLocale, otherLabel?: string, declaration = false): string {
  const p = error.params as Record<string, unknown>;
  const f = q(locale, label);
  const de = locale === 'de';
  // a declaration (served as `not: { const: false }`) is confirmed, not filled in
  if (declaration && (error.keyword === 'required' || error.keyword === 'not' || error.keyword === 'type')) return de ? `${f} muss bestätigt werden.` : `${f} must be confirmed.`;
  switch (error.keyword) {
    case 'required':
      return de ? `${f} muss ausgefüllt werden.` : `${f} is required.`;
    case 'dependentRequired':
    case 'dependencies':
      return de
        ? `${f} muss ausgefüllt werden, wenn ${q(locale, otherLabel ?? String(p.property))} angegeben ist.`
        : `${f} is required when ${q(locale, otherLabel ?? String(p.property))} is given.`;
    case 'type':
      return de ? `${f} hat den falschen Datentyp.` : `${f} has the wrong type.`;
    case 'minLength':
      return Number(p.limit) <= 1
        ? de ? `${f} muss ausgefüllt werden.` : `${f} must not be empty.`
        : de ? `${f} muss mindestens ${p.limit} Zeichen lang sein.` : `${f} must have at least ${p.limit} characters.`;
    case 'maxLength':
      return de ? `${f} darf höchstens ${p.limit} Zeichen lang sein.` : `${f} must have at most ${p.limit} characters.`;
    case 'pattern':
      return de ? `${f} hat kein gültiges Format.` : `${f} has an invalid format.`;
    case 'format':
      return `${f} ${(de ? FORMAT_DE : FORMAT_EN)[String(p.format)] ?? (de ? 'hat kein gültiges Format' : 'has an invalid format')}.`;
    case 'formatMinimum':
      return de ? `${f} darf nicht vor dem ${germanDate(String(p.limit))} liegen.` : `${f} must not be before ${p.limit}.`;
    case 'formatMaximum':
      return de ? `${f} darf nicht nach dem ${germanDate(String(p.limit))} liegen.` : `${f} must not be after ${p.limit}.`;
    case 'minimum':
      return de ? `${f} muss mindestens ${p.limit} sein.` : `${f} must be at least ${p.limit}.`;
    case 'exclusiveMinimum':
      return de ? `${f} muss größer als ${p.limit} sein.` : `${f} must be greater than ${p.limit}.`;
    case 'maximum':
      return de ? `${f} darf höchstens ${p.limit} sein.` : `${f} must be at most ${p.limit}.`;
    case 'exclusiveMaximum':
      return de ? `${f} muss kleiner als ${p.limit} sein.` : `${f} must be less than ${p.limit}.`;
    case 'multipleOf':
      if (p.multipleOf === 0.01) return de ? `${f} darf höchstens zwei Nachkommastellen haben (Cent).` : `${f} may have at most two decimal places (cents).`;
      return de ? `${f} muss ein Vielfaches von ${p.multipleOf} sein.` : `${f} must be a multiple of ${p.multipleOf}.`;
    case 'enum':
      return de ? `${f} hat keinen zulässigen Wert; bitte wählen Sie aus der Liste.` : `${f} must be one of the listed values.`;
    case 'const':
      return p.allowedValue === true
        ? de ? `${f} muss bestätigt werden.` : `${f} must be confirmed.`
        : de ? `${f} hat keinen zulässigen Wert.` : `${f} has a value that is not allowed.`;
    case 'minItems':
      return de ? `${f} braucht mindestens ${p.limit} ${Number(p.limit) === 1 ? 'Eintrag' : 'Einträge'}.` : `${f} needs at least ${p.limit} entries.`;
    case 'maxItems':
      return de ? `${f} darf höchstens ${p.limit} Einträge haben.` : `${f} may have at most ${p.limit} entries.`;
    case 'uniqueItems':
      return de ? `${f} enthält doppelte Einträge.` : `${f} contains duplicate entries.`;
    case 'additionalProperties':
      return de ? `Das Feld „${p.additionalProperty}“ ist in diesem Formular nicht vorgesehen.` : `The field "${p.additionalProperty}" is not part of this form.`;
    case 'x-xml-characters':
      return de
        ? `${f} enthält Steuerzeichen oder ungültige Zeichen, die nicht übermittelt werden können; bitte entfernen Sie sie.`
        : `${f} contains control or invalid characters that cannot be transmitted; please remove them.`;
    case 'x-format':
      if (p.format === 'din91379') {
        return de
          ? `${f} enthält Zeichen außerhalb der lateinischen Zeichen nach DIN 91379 (zum Beispiel kyrillische oder griechische Buchstaben oder Emojis).`
          : `${f} contains characters outside the Latin characters of DIN 91379 (such as Cyrillic or Greek letters or emoji).`;
      }
      return de ? `${f} ist keine gültige IBAN (Prüfziffer oder Länge stimmt nicht).` : `${f} is not a valid IBAN (check digits or length).`;
    case 'oneOf':
    case 'anyOf':
      return de ? `${f} passt zu keiner der zulässigen Varianten.` : `${f} matches none of the allowed variants.`;
    default:
      return de ? `${f} ist ungültig.` : `${f} is invalid.`;
  }
}
