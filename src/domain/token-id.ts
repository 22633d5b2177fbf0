/** A token id: `<epoch ms>-<8 hex>`, as in the announcement (`1761055513181-215c579b`). */
export const TOKEN_ID_PATTERN = /^[0-9]{13}-[0-9a-f]{8}$/;
