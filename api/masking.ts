/**
 * Personal data of residents (R-LED-1): names and phones are shown only to
 * those who need them and masked everywhere else (logs, exports, other roles).
 */

/** `13812345678` → `138****5678`; short numbers keep only their last two digits. */
export function maskPhone(phone: string): string {
  const s = phone.trim();
  const digits = s.replace(/\D/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length >= 3) return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
  return '*'.repeat(Math.max(1, s.length));
}

/** `张三` → `张*`, `王小明` → `王**`, `Alice Smith` → `A**********`. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/** Mainland mobile numbers (and similar 11-digit runs) inside free text. */
const MOBILE_IN_TEXT = /(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)/g;

export function maskPhonesInText(text: string): string {
  return text.replace(MOBILE_IN_TEXT, '$1****$3');
}

const PHONE_KEYS = /^(phone|mobile|tel|telephone|reporterPhone|contactPhone|residentPhone)$/i;
const NAME_KEYS = /^(reporterName|residentName|contactName)$/i;
/** Objects under these keys hold a person: their `name` is masked too. */
const PERSON_KEYS = /^(reporter|resident|contact)$/i;
const SECRET_KEYS = /^(password|passwordHash|token|authorization|jwtSecret|secret)$/i;

/**
 * Deep copy with personal data masked and secrets removed: used by the logger,
 * never for data a permitted user asked for.
 */
export function redact(value: unknown, depth = 0, personContext = false): unknown {
  if (depth > 8) return '[deep]';
  if (typeof value === 'string') return maskPhonesInText(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1, personContext));
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) return { name: value.name, message: maskPhonesInText(value.message) };
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEYS.test(k)) out[k] = '[redacted]';
      else if (PHONE_KEYS.test(k) && typeof v === 'string') out[k] = maskPhone(v);
      else if ((NAME_KEYS.test(k) || (personContext && k === 'name')) && typeof v === 'string') out[k] = maskName(v);
      else out[k] = redact(v, depth + 1, PERSON_KEYS.test(k));
    }
    return out;
  }
  return value;
}
