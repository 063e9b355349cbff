/** Static vocabulary for the synthetic tenant: cities, venues, titles, zones, palette. All invented. */

export type City = { id: number; name: string; timezone: string; offsetHours: number; subdomain: string; coords: [number, number] };

export const CITIES: readonly City[] = [
  { id: 1, name: 'Москва', timezone: 'Europe/Moscow', offsetHours: 3, subdomain: 'msk', coords: [55.7558, 37.6173] },
  { id: 2, name: 'Санкт-Петербург', timezone: 'Europe/Moscow', offsetHours: 3, subdomain: 'spb', coords: [59.9343, 30.3351] },
  { id: 301, name: 'Новосибирск', timezone: 'Asia/Novosibirsk', offsetHours: 7, subdomain: 'nsk', coords: [55.0301, 82.9204] },
  { id: 302, name: 'Омск', timezone: 'Asia/Omsk', offsetHours: 6, subdomain: 'omsk', coords: [54.9893, 73.3682] },
  { id: 305, name: 'Томск', timezone: 'Asia/Krasnoyarsk', offsetHours: 7, subdomain: 'tomsk', coords: [56.4846, 84.9476] },
  { id: 311, name: 'Барнаул', timezone: 'Asia/Barnaul', offsetHours: 7, subdomain: 'barnaul', coords: [53.3481, 83.7798] },
  { id: 320, name: 'Екатеринбург', timezone: 'Asia/Yekaterinburg', offsetHours: 5, subdomain: 'ekb', coords: [56.8389, 60.6057] },
  { id: 330, name: 'Самара', timezone: 'Europe/Samara', offsetHours: 4, subdomain: 'smr', coords: [53.1959, 50.1002] },
  { id: 340, name: 'Владивосток', timezone: 'Asia/Vladivostok', offsetHours: 10, subdomain: 'vl', coords: [43.1155, 131.8855] },
];

export const VENUES: readonly { name: string; address: string }[] = [
  { name: 'ТРЦ «Пример»', address: 'ул. Тестовая, 1' },
  { name: 'Дом культуры «Образец»', address: 'пр-т Примерный, 25' },
  { name: 'Концертный зал «Камертон»', address: 'ул. Условная, 7' },
  { name: 'Клуб «Подвал»', address: 'пер. Вымышленный, 3' },
  { name: 'Театр «Сцена-Пример»', address: 'пл. Макетная, 12' },
  { name: 'Лофт «Цех №5»', address: 'наб. Шаблонная, 40' },
];

export const TITLES: readonly string[] = [
  'Город роботов',
  'Снежная сказка',
  'Звёзды джаза',
  'Осенний блюз',
  'Песни моря',
  'Лунная соната',
  'Весёлый зоопарк',
  'Тайны океана',
  'Мир динозавров',
  'Ночь кино',
  'Голоса улиц',
  'Сказки старого леса',
  'Электро-вечер',
  'Струнный квартет',
  'Оптические иллюзии',
  'Космос рядом',
  'Большой стендап',
  'Бременские музыканты',
  'Вечер романса',
  'Органные вечера',
];

export type EventKind = 'exhibition' | 'hall' | 'theatre' | 'club' | 'masterclass';

export const KIND_PREFIX: Record<EventKind, string> = {
  exhibition: 'Интерактивная выставка',
  hall: 'Концерт',
  theatre: 'Спектакль',
  club: 'Вечеринка',
  masterclass: 'Мастер-класс',
};

export const KIND_TYPE_ID: Record<EventKind, number> = { exhibition: 11, hall: 3, theatre: 5, club: 7, masterclass: 10 };

/** Ticket prices in kopecks: mostly whole roubles, some fractional to exercise decimals. */
export const WHOLE_PRICES_KOP: readonly number[] = [50000, 65000, 80000, 90000, 100000, 120000, 150000, 180000, 200000, 250000, 300000, 350000];
export const FRACTIONAL_PRICES_KOP: readonly number[] = [58550, 122203, 119950, 249999, 74990, 45050];

/** Price shades (`/color-themes`), non-contiguous ids (DOC). */
export const COLOR_THEMES: readonly { id: number; color: string }[] = [
  { id: 1, color: '#d0021b' },
  { id: 2, color: '#bd10e0' },
  { id: 4, color: '#4a90e2' },
  { id: 5, color: '#f5a623' },
  { id: 8, color: '#7ed321' },
  { id: 13, color: '#777777' },
  { id: 15, color: '#2e8b57' },
];

export const SITES: readonly { id: number; host: string }[] = [
  { id: 7781, host: 'afisha-primer.example' },
  { id: 7790, host: 'билеты-пример.example' },
];

export const PAYMENT_IDS: readonly number[] = [30417, 30522];
