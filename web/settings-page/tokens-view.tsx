import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import type { Api, CreatedToken, ListTokensQuery, Role, TokenList, TokenMetadata, TokenState } from './api';
import { listSupports, problemMessage } from './api';
import type { PageConfig } from './config';
import { ConfirmDialog } from './confirm-dialog';
import { GenerateDialog } from './generate-dialog';
import { NewTokenDialog } from './new-token-dialog';
import { shortTokenId } from './format';
import { revocationReason, TokenTable } from './token-table';

const PAGE_SIZE = 50;
/** Returning to the tab fires both focus and visibilitychange: events this close together make one reload. */
const RETURN_REFRESH_DELAY_MS = 50;
const STATES: { value: TokenState; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'expired', label: 'Expired' },
  { value: 'revoked', label: 'Revoked' },
  { value: 'all', label: 'All' },
];

type OpenDialog =
  | { kind: 'generate' }
  | { kind: 'new-token'; title: string; name: string; created: CreatedToken; rotated: boolean }
  | { kind: 'rotate'; token: TokenMetadata }
  | { kind: 'revoke'; token: TokenMetadata };

interface TokensViewProps {
  api: Api;
  config: PageConfig;
  role: Role;
  /** The role the server reports with each listing (it may change, e.g. a demoted admin). */
  onRole: (role: Role) => void;
}

/** The signed-in page: the token table with its filters and paging, and the dialogs. */
export function TokensView({ api, config, role, onRole }: TokensViewProps) {
  const stateId = useId();
  const nameId = useId();
  const [state, setState] = useState<TokenState>('active');
  const [nameInput, setNameInput] = useState('');
  const [nameFilter, setNameFilter] = useState('');
  /** Cursors of the pages before the current one (the first page has none). */
  const [cursors, setCursors] = useState<string[]>([]);
  const [list, setList] = useState<TokenList>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const [announcement, setAnnouncement] = useState('');
  const [dialog, setDialog] = useState<OpenDialog>();
  const latest = useRef(0);

  // Typing in the name filter reloads once the typing pauses.
  useEffect(() => {
    const timer = window.setTimeout(() => setNameFilter(nameInput.trim()), 300);
    return () => window.clearTimeout(timer);
  }, [nameInput]);
  useEffect(() => setCursors((current) => (current.length ? [] : current)), [state, nameFilter]);

  const load = useCallback(async () => {
    const request = ++latest.current;
    setLoading(true);
    const query: ListTokensQuery = { state };
    if (nameFilter && listSupports('name')) query.name = nameFilter;
    if (listSupports('limit')) query.limit = PAGE_SIZE;
    // A cursor only ever comes from the server's own next_cursor.
    const cursor = cursors[cursors.length - 1];
    if (cursor) query.cursor = cursor;
    const { data, error: problem, response } = await api.GET('/api/auth/tokens', { params: { query } });
    if (request !== latest.current) return;
    setLoading(false);
    if (data) {
      setList(data);
      setError(undefined);
      onRole(data.role);
    } else if (response.status !== 401) {
      setError(problemMessage(problem, response));
    }
  }, [api, state, nameFilter, cursors, onRole]);

  useEffect(() => {
    void load();
  }, [load]);

  // Tokens change behind the page's back (another tab, a script, reuse detection revoking a rotated
  // token): the list is reloaded whenever the person comes back to the tab.
  const loadLatest = useRef(load);
  loadLatest.current = load;
  useEffect(() => {
    let timer: number | undefined;
    const refreshSoon = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void loadLatest.current(), RETURN_REFRESH_DELAY_MS);
    };
    const onVisibilityChange = () => {
      if (document.visibilityState === 'visible') refreshSoon();
    };
    window.addEventListener('focus', refreshSoon);
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      window.clearTimeout(timer);
      window.removeEventListener('focus', refreshSoon);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, []);

  // Without the server's name filter (an older server), the page filters what it received.
  const needle = nameFilter.toLowerCase();
  const tokens = (list?.tokens ?? []).filter((token) => listSupports('name') || !needle || token.name.toLowerCase().includes(needle));
  const nextCursor = list?.next_cursor ?? null;

  // Every action reloads the list, failed ones too: a failure often means the token changed meanwhile.
  const revoke = async (token: TokenMetadata): Promise<string | undefined> => {
    const path = { tokenId: token.token_id };
    // Revoking a revoked token succeeds again (the API is idempotent), so ask first: a token that
    // something else revoked meanwhile (e.g. reuse detection after a rotation) is reported as such.
    const current = await api.GET('/api/auth/tokens/{tokenId}', { params: { path } });
    if (current.response.status === 401) return undefined;
    const revokedBefore = current.data?.token.revoked_at ? current.data.token : undefined;
    if (revokedBefore) {
      const reason = revocationReason(revokedBefore);
      setDialog(undefined);
      setAnnouncement(`Token “${token.name}” was already revoked${reason ? ` (${reason})` : ''}.`);
      await load();
      return undefined;
    }
    const { data, error: problem, response } = await api.DELETE('/api/auth/tokens/{tokenId}', { params: { path } });
    if (!data) {
      void load();
      return response.status === 401 ? undefined : problemMessage(problem, response);
    }
    setDialog(undefined);
    setAnnouncement(`Token “${token.name}” revoked.`);
    await load();
    return undefined;
  };

  const rotate = async (token: TokenMetadata): Promise<string | undefined> => {
    const { data, error: problem, response } = await api.POST('/api/auth/tokens/{tokenId}/rotate', {
      params: { path: { tokenId: token.token_id } },
      body: {},
    });
    if (!data) {
      void load();
      return response.status === 401 ? undefined : problemMessage(problem, response);
    }
    setDialog({ kind: 'new-token', title: 'Token rotated', name: token.name, created: data, rotated: true });
    setAnnouncement(`Token “${token.name}” rotated: the old token no longer works.`);
    await load();
    return undefined;
  };

  return (
    <>
      <p class="lead">
        Tokens let scripts, CI pipelines and other tools call the API as you, without your password. Give each its own token, with
        the least access it needs, and revoke it when it is no longer used.
      </p>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => setDialog({ kind: 'generate' })}>
          Generate token
        </button>
        <div class="filters" role="search" aria-label="Filter tokens">
          <div class="field inline">
            <label for={stateId}>State</label>
            <select id={stateId} value={state} onChange={(e) => setState(e.currentTarget.value as TokenState)}>
              {STATES.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </div>
          <div class="field inline">
            <label for={nameId}>Name</label>
            <input id={nameId} type="search" placeholder="Filter by name" value={nameInput} onInput={(e) => setNameInput(e.currentTarget.value)} />
          </div>
        </div>
      </div>

      <p role="status" class="announcement">
        {announcement}
      </p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}

      <TokenTable
        tokens={tokens}
        showUser={role === 'Admin'}
        expiryNoticeDays={config.expiryNoticeDays}
        loading={loading && !list}
        state={state}
        onRotate={(token) => setDialog({ kind: 'rotate', token })}
        onRevoke={(token) => setDialog({ kind: 'revoke', token })}
      />

      {(cursors.length > 0 || nextCursor) && (
        <nav class="pager" aria-label="Pages">
          <button type="button" disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
          <span>Page {cursors.length + 1}</span>
          <button type="button" disabled={!nextCursor} onClick={() => nextCursor && setCursors([...cursors, nextCursor])}>
            Next page
          </button>
        </nav>
      )}

      {dialog?.kind === 'generate' && (
        <GenerateDialog
          api={api}
          config={config}
          role={role}
          onCancel={() => setDialog(undefined)}
          onCreated={(created, name) => {
            setDialog({ kind: 'new-token', title: 'Token generated', name, created, rotated: false });
            setAnnouncement(`Token “${name}” generated.`);
            void load();
          }}
        />
      )}
      {dialog?.kind === 'new-token' && (
        <NewTokenDialog
          title={dialog.title}
          tokenName={dialog.name}
          created={dialog.created}
          rotated={dialog.rotated}
          onDone={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'rotate' && (
        <ConfirmDialog title="Rotate token?" confirmLabel="Rotate" onCancel={() => setDialog(undefined)} onConfirm={() => rotate(dialog.token)}>
          <p>
            “{dialog.token.name}” (ID <code>{shortTokenId(dialog.token.token_id)}</code>) will be replaced by a new token with the same
            name, access and lifetime length. <strong>The current token stops working at once.</strong>
          </p>
          <p class="warning">
            <strong>Replace the old token everywhere now: one more use of it revokes the new token too.</strong> A rotated token used
            again looks stolen, so the service revokes its successors as well (reuse detection).
          </p>
        </ConfirmDialog>
      )}
      {dialog?.kind === 'revoke' && (
        <ConfirmDialog title="Revoke token?" confirmLabel="Revoke" onCancel={() => setDialog(undefined)} onConfirm={() => revoke(dialog.token)}>
          <p>
            “{dialog.token.name}” (ID <code>{shortTokenId(dialog.token.token_id)}</code>
            {role === 'Admin' && dialog.token.username ? `, of ${dialog.token.username}` : ''}) will stop working at once, for everything
            that uses it. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
