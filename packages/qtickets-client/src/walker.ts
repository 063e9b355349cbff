/**
 * Page walks over the list endpoints (§4.1, §5.1) that never accept an inconsistent page silently: a suspicious page
 * (short before the end, empty before `total` is reached, duplicate ids, ids out of order) is re-fetched once and the
 * anomaly is reported on the yielded page; duplicates are dropped (Q23); a changing `total` moves lastPage.
 */
import type { JsonRecord } from './json.ts';
import type { ListPage } from './paging.ts';

export type IdOrder = 'asc' | 'desc' | 'none';

export type WalkAnomalyKind =
  | 'short_page'
  | 'empty_page'
  | 'duplicate_ids'
  | 'ids_out_of_order'
  | 'total_changed'
  | 'per_page_changed'
  | 'gave_up'
  | 'filter_ignored';

export type WalkAnomaly = {
  kind: WalkAnomalyKind;
  page: number;
  detail: string;
  /** The page was fetched a second time because of this anomaly. */
  refetched: boolean;
  /** The condition was handled: the re-fetch came back clean, or (total/perPage changes) lastPage was recomputed. */
  resolved: boolean;
  ids?: Array<number | string>;
  before?: number;
  after?: number;
};

export type WalkPage = ListPage & {
  /** The page number requested. */
  page: number;
  anomalies: WalkAnomaly[];
  /** Rows dropped from `data` as duplicates of rows already yielded. */
  droppedDuplicates: number;
};

export type FetchPage = (page: number) => Promise<ListPage>;

type IdKey = number | string;

function idOf(row: JsonRecord): IdKey | undefined {
  const id = row['id'];
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
}

/** Numeric comparison when both ids are numeric (numbers or digit strings), string comparison otherwise. */
export function compareIds(a: IdKey, b: IdKey): number {
  const x = typeof a === 'number' ? a : /^-?\d+$/.test(a) ? Number(a) : Number.NaN;
  const y = typeof b === 'number' ? b : /^-?\d+$/.test(b) ? Number(b) : Number.NaN;
  if (!Number.isNaN(x) && !Number.isNaN(y)) return Math.sign(x - y);
  const s = String(a);
  const t = String(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

function keyOf(id: IdKey): string {
  return typeof id === 'number' ? String(id) : /^\d+$/.test(id) ? String(Number(id)) : `s:${id}`;
}

type WalkState = { seen: Set<string>; lastId: IdKey | undefined };

type Problem = { kind: 'short_page' | 'empty_page' | 'duplicate_ids' | 'ids_out_of_order'; detail: string; ids?: IdKey[] };

function inspect(res: ListPage, page: number, state: WalkState, order: IdOrder): Problem[] {
  const problems: Problem[] = [];
  const rows = res.data.length;
  if (rows === 0 && page <= res.lastPage && res.paging.total > (page - 1) * res.paging.perPage) {
    problems.push({ kind: 'empty_page', detail: `page ${page} is empty but total ${res.paging.total} implies rows up to page ${res.lastPage}` });
  } else if (rows > 0 && rows < res.paging.perPage && page < res.lastPage) {
    problems.push({ kind: 'short_page', detail: `page ${page} has ${rows} rows < perPage ${res.paging.perPage} before lastPage ${res.lastPage}` });
  }
  const duplicates: IdKey[] = [];
  const outOfOrder: IdKey[] = [];
  const local = new Set<string>();
  let previous = state.lastId;
  for (const row of res.data) {
    const id = idOf(row);
    if (id === undefined) continue;
    const key = keyOf(id);
    if (state.seen.has(key) || local.has(key)) {
      duplicates.push(id);
      continue;
    }
    local.add(key);
    if (order !== 'none' && previous !== undefined) {
      const c = compareIds(id, previous);
      if ((order === 'asc' && c <= 0) || (order === 'desc' && c >= 0)) outOfOrder.push(id);
    }
    if (previous === undefined || order === 'none' || (order === 'asc' ? compareIds(id, previous) > 0 : compareIds(id, previous) < 0)) previous = id;
  }
  if (duplicates.length > 0) {
    problems.push({ kind: 'duplicate_ids', detail: `${duplicates.length} id(s) already seen`, ids: duplicates.slice(0, 20) });
  }
  if (outOfOrder.length > 0) {
    problems.push({ kind: 'ids_out_of_order', detail: `${outOfOrder.length} id(s) break the expected ${order} order`, ids: outOfOrder.slice(0, 20) });
  }
  return problems;
}

/** Fetches a page; if it looks wrong, fetches it once more and keeps the better answer; returns both verdicts. */
async function fetchChecked(
  fetchPage: FetchPage,
  page: number,
  state: WalkState,
  order: IdOrder,
): Promise<{ res: ListPage; anomalies: WalkAnomaly[]; refetched: boolean }> {
  const first = await fetchPage(page);
  const firstProblems = inspect(first, page, state, order);
  if (firstProblems.length === 0) return { res: first, anomalies: [], refetched: false };
  const second = await fetchPage(page);
  const secondProblems = inspect(second, page, state, order);
  const useSecond = secondProblems.length <= firstProblems.length;
  const res = useSecond ? second : first;
  const remaining = useSecond ? secondProblems : firstProblems;
  const anomalies: WalkAnomaly[] = [];
  for (const p of firstProblems) {
    const still = remaining.find((r) => r.kind === p.kind);
    anomalies.push(toAnomaly(still ?? p, page, !still));
  }
  for (const r of remaining) if (!firstProblems.some((p) => p.kind === r.kind)) anomalies.push(toAnomaly(r, page, false));
  return { res, anomalies, refetched: true };
}

function toAnomaly(p: Problem, page: number, resolved: boolean): WalkAnomaly {
  const a: WalkAnomaly = { kind: p.kind, page, detail: p.detail, refetched: true, resolved };
  if (p.ids) a.ids = p.ids;
  return a;
}

/** Drops rows already yielded, records the rest, advances lastId. Returns the rows to yield. */
function accept(res: ListPage, state: WalkState, order: IdOrder): { rows: JsonRecord[]; dropped: number } {
  const rows: JsonRecord[] = [];
  let dropped = 0;
  for (const row of res.data) {
    const id = idOf(row);
    if (id === undefined) {
      rows.push(row);
      continue;
    }
    const key = keyOf(id);
    if (state.seen.has(key)) {
      dropped += 1;
      continue;
    }
    state.seen.add(key);
    rows.push(row);
    const last = state.lastId;
    if (last === undefined || order === 'none' || (order === 'asc' ? compareIds(id, last) > 0 : compareIds(id, last) < 0)) state.lastId = id;
  }
  return { rows, dropped };
}

export type WalkSettings = { fromPage: number; order: IdOrder; maxConsecutiveEmpty: number };

/** Forward walk from `fromPage` to the (moving) last page. */
export async function* walkPages(fetchPage: FetchPage, settings: WalkSettings): AsyncGenerator<WalkPage> {
  const state: WalkState = { seen: new Set(), lastId: undefined };
  let page = Math.max(1, Math.floor(settings.fromPage));
  let previous: ListPage | undefined;
  let consecutiveEmpty = 0;
  for (;;) {
    const { res, anomalies, refetched } = await fetchChecked(fetchPage, page, state, settings.order);
    if (previous && previous.paging.total !== res.paging.total) {
      anomalies.push({
        kind: 'total_changed',
        page,
        detail: `total ${previous.paging.total} → ${res.paging.total}; lastPage ${previous.lastPage} → ${res.lastPage}`,
        refetched,
        resolved: true,
        before: previous.paging.total,
        after: res.paging.total,
      });
    }
    if (previous && previous.paging.perPage !== res.paging.perPage) {
      anomalies.push({
        kind: 'per_page_changed',
        page,
        detail: `perPage ${previous.paging.perPage} → ${res.paging.perPage}: page boundaries moved, rows may be skipped`,
        refetched,
        resolved: false,
        before: previous.paging.perPage,
        after: res.paging.perPage,
      });
    }
    previous = res;
    if (res.data.length === 0 && page >= res.lastPage && anomalies.length === 0) return; // empty page at/after the end
    const { rows, dropped } = accept(res, state, settings.order);
    consecutiveEmpty = res.data.length === 0 ? consecutiveEmpty + 1 : 0;
    const stop = page >= res.lastPage || consecutiveEmpty >= settings.maxConsecutiveEmpty;
    if (consecutiveEmpty >= settings.maxConsecutiveEmpty && page < res.lastPage) {
      anomalies.push({
        kind: 'gave_up',
        page,
        detail: `${consecutiveEmpty} consecutive empty pages before lastPage ${res.lastPage}; walk stopped`,
        refetched,
        resolved: false,
      });
    }
    yield { ...res, data: rows, page, anomalies, droppedDuplicates: dropped };
    if (stop) return;
    page += 1;
  }
}

export type TailSettings = { afterId: number; maxConsecutiveEmpty: number };

/**
 * The filter-free fallback of §5.1 for id-ascending resources: learn `total` from page 1, jump to lastPage and walk
 * backwards until a page reaches an id ≤ afterId. Yields pages from the end towards the start; each page's `data`
 * holds only rows with id > afterId, ascending. Pages appended while walking are picked up before walking back.
 */
export async function* walkTailPages(fetchPage: FetchPage, settings: TailSettings): AsyncGenerator<WalkPage> {
  const state: WalkState = { seen: new Set(), lastId: undefined };
  const first = await fetchPage(1);
  let highest = first.lastPage;
  let page = highest;
  let consecutiveEmpty = 0;
  const fetched = new Map<number, ListPage>([[1, first]]);
  for (;;) {
    const cached = fetched.get(page);
    const tailState: WalkState = { seen: state.seen, lastId: undefined };
    const { res, anomalies, refetched } = cached
      ? { res: cached, anomalies: inspect(cached, page, tailState, 'asc').map((p) => ({ ...toAnomaly(p, page, false), refetched: false })), refetched: false }
      : await fetchChecked(fetchPage, page, tailState, 'asc');
    fetched.set(page, res);
    if (res.lastPage > highest) {
      // The list grew past the page we started from: walk the new tail first.
      anomalies.push({
        kind: 'total_changed',
        page,
        detail: `lastPage ${highest} → ${res.lastPage} during the tail walk`,
        refetched,
        resolved: true,
        before: highest,
        after: res.lastPage,
      });
      const from = highest + 1;
      highest = res.lastPage;
      yield* tailSlice(res, page, anomalies, state, settings.afterId);
      for (let p = highest; p >= from; p -= 1) {
        const extra = await fetchChecked(fetchPage, p, { seen: state.seen, lastId: undefined }, 'asc');
        yield* tailSlice(extra.res, p, extra.anomalies, state, settings.afterId);
      }
    } else {
      yield* tailSlice(res, page, anomalies, state, settings.afterId);
    }
    const reachedOld = res.data.some((row) => {
      const id = idOf(row);
      return id !== undefined && compareIds(id, settings.afterId) <= 0;
    });
    consecutiveEmpty = res.data.length === 0 ? consecutiveEmpty + 1 : 0;
    if (reachedOld || page <= 1) return;
    if (consecutiveEmpty >= settings.maxConsecutiveEmpty) {
      yield {
        ...res,
        data: [],
        page,
        anomalies: [{ kind: 'gave_up', page, detail: `${consecutiveEmpty} consecutive empty pages in the tail walk`, refetched: false, resolved: false }],
        droppedDuplicates: 0,
      };
      return;
    }
    page -= 1;
  }
}

function* tailSlice(res: ListPage, page: number, anomalies: WalkAnomaly[], state: WalkState, afterId: number): Generator<WalkPage> {
  const newer = res.data.filter((row) => {
    const id = idOf(row);
    return id === undefined || compareIds(id, afterId) > 0;
  });
  const { rows, dropped } = accept({ ...res, data: newer }, state, 'none');
  rows.sort((a, b) => compareIds(idOf(a) ?? 0, idOf(b) ?? 0));
  yield { ...res, data: rows, page, anomalies, droppedDuplicates: dropped };
}
