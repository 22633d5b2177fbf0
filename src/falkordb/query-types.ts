/** A Cypher parameter value: scalars, lists and maps of them (sent as literals in the CYPHER prefix, never spliced into the query). */
export type QueryValue = string | number | boolean | null | QueryValue[] | { [key: string]: QueryValue };
export type QueryParams = Record<string, QueryValue>;
export type Row = Record<string, unknown>;
