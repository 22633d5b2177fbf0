export const ROLES_KEY = 'falkordb-pat:roles';
export const CREDENTIAL_KINDS_KEY = 'falkordb-pat:credential-kinds';
