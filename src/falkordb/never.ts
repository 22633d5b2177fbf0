/**
 * A time after every real one (the largest a JS Date holds): what a "next due" key is set to when
 * nothing is due any more, so it leaves every `<= now` range scan.
 *
 * Why not NULL: FalkorDB 4.16 removes the wrong properties when one query removes two or more
 * properties of the same node (SET x = NULL or REMOVE, in one clause or several): after the first
 * removal it deletes by stale positions, e.g. `SET t.a = NULL, t.f = NULL` on {a..f} leaves f and
 * drops e. Queries here therefore remove at most one property of a node, and retire keys to NEVER.
 */
export const NEVER = 8_640_000_000_000_000;
