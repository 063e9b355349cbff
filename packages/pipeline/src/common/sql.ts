/** A table or column name that may be spliced into SQL (declarations only, never input). */
export const IDENT = /^[a-z_][a-z0-9_]*$/;
