import { hash32, hashUnit } from './random.ts';

/**
 * Synthetic personal data. Every value is invented: e-mails on example.com/.net/.org, phones `+790000` + 5 digits
 * (so always inside the reserved `+7900000…` pattern), Russian-looking names. Derived from (seed, index) by hashing,
 * so a person never needs to be stored to be reproduced.
 */

export type Person = { name: string; surname: string | null; middlename: string | null; email: string; phone: string | null };

export type Client = { idx: number; id: number; detailsId: number; firstSeenAt: number; person: Person };

type NameSet = { names: readonly string[]; surnames: readonly string[]; middlenames: readonly string[] };

const MALE: NameSet = {
  names: ['Павел', 'Денис', 'Иван', 'Сергей', 'Алексей', 'Михаил', 'Артём', 'Глеб', 'Роман', 'Никита', 'Олег', 'Фёдор'],
  surnames: ['Гришин', 'Карпов', 'Орлов', 'Зуев', 'Миронов', 'Лаптев', 'Соколов', 'Фомин', 'Белов', 'Крылов', 'Тихонов', 'Ершов'],
  middlenames: ['Андреевич', 'Игоревич', 'Петрович', 'Олегович', 'Ильич', 'Сергеевич'],
};
const FEMALE: NameSet = {
  names: ['Ольга', 'Светлана', 'Наталья', 'Марина', 'Алина', 'Анна', 'Елена', 'Дарья', 'Ксения', 'Юлия', 'Вера', 'Полина'],
  surnames: ['Миронова', 'Орлова', 'Лаптева', 'Зуева', 'Фомина', 'Гришина', 'Соколова', 'Белова', 'Крылова', 'Тихонова', 'Ершова', 'Карпова'],
  middlenames: ['Андреевна', 'Игоревна', 'Петровна', 'Олеговна', 'Ильинична', 'Сергеевна'],
};

const TRANSLIT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'sch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

function translit(s: string): string {
  return [...s.toLowerCase()].map((c) => TRANSLIT[c] ?? c).join('');
}

const DOMAINS = ['example.com', 'example.net', 'example.org'] as const;

function at<T>(list: readonly T[], h: number): T {
  return list[h % list.length] as T;
}

/**
 * Person number `n` of a namespace (`kind`: 1 = buyers, 2 = ticket holders). Buyers' phones are unique for the first
 * 100 000 buyers (`+790000` + n as 5 digits); holders' phones are hashed into the same block.
 */
export function makePerson(seed: number, kind: number, n: number): Person {
  const set = hash32(seed, kind, n, 1) % 2 === 0 ? MALE : FEMALE;
  const name = at(set.names, hash32(seed, kind, n, 2));
  const surnameNull = hashUnit(seed, kind, n, 3) < 0.08;
  const surname = surnameNull ? null : at(set.surnames, hash32(seed, kind, n, 4));
  const middlename = hashUnit(seed, kind, n, 5) < 0.3 ? at(set.middlenames, hash32(seed, kind, n, 6)) : null;
  const local = surname ? `${translit(name)}.${translit(surname)}` : translit(name);
  const email = `${local}.${kind}${n}@${at(DOMAINS, hash32(seed, kind, n, 7))}`;
  const phoneNull = hashUnit(seed, kind, n, 8) < 0.05;
  const digits = kind === 1 ? n % 100_000 : hash32(seed, kind, n, 9) % 100_000;
  const phone = phoneNull ? null : `+790000${digits.toString().padStart(5, '0')}`;
  // The box office (fixture orders.page2.json) owns +79000000105: buyer 105 gets none, so buyers' phones stay unique.
  return { name, surname, middlename, email, phone: phone === BOX_OFFICE_PHONE && kind === 1 ? null : phone };
}

const BOX_OFFICE_PHONE = '+79000000105';

/** The box-office pseudo-client used by back-office orders (fixture `orders.page2.json`). */
export const BOX_OFFICE: Person = { name: 'Касса', surname: null, middlename: null, email: 'box-office@example.org', phone: BOX_OFFICE_PHONE };

/** Every personal string of a person (for piiValues). */
export function personValues(p: Person): string[] {
  const out = [p.email, p.name];
  if (p.surname) out.push(p.surname);
  if (p.middlename) out.push(p.middlename);
  if (p.phone) out.push(p.phone);
  return out;
}
