/** The last page of a list of `total` rows at `perPage` a page (1 for an empty list). */
export const lastPageOf = (total: number, perPage: number) => Math.max(1, Math.ceil(total / Math.max(1, perPage)));
