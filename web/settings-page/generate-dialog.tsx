import { useId, useState } from 'preact/hooks';
import type { Api, CreateTokenBody, CreatedToken, Role, TokenAccess } from './api';
import { problemMessage } from './api';
import type { PageConfig } from './config';
import { Dialog } from './dialog';
import { ListInputField } from './list-input-field';
import { type ExpiryChoice, expiryFields, expiryOptions, isoDay, listField } from './format';

interface GenerateDialogProps {
  api: Api;
  config: PageConfig;
  role: Role;
  onCreated: (created: CreatedToken, name: string) => void;
  onCancel: () => void;
}

/** Field problems of a 400, e.g. `{ ttlSeconds: ["..."] }`, as lines. */
function fieldProblems(error: unknown): string[] {
  const errors = (error as { errors?: Record<string, string[]> } | undefined)?.errors;
  return errors ? Object.values(errors).flat() : [];
}

/** "Generate token": name, expiration, access, graphs and allowed IPs → `POST /api/auth/tokens`. */
export function GenerateDialog({ api, config, role, onCreated, onCancel }: GenerateDialogProps) {
  const ids = { name: useId(), expiry: useId(), date: useId(), access: useId() };
  const options = expiryOptions(config.maxTtlSeconds, config.allowNeverExpiring);
  const readOnlyUser = role === 'Read-Only';
  const today = new Date();
  const maxDay = isoDay(new Date(today.getTime() + config.maxTtlSeconds * 1000));

  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<ExpiryChoice>(options[0].value);
  const inThirtyDays = isoDay(new Date(today.getTime() + 30 * 24 * 3600 * 1000));
  const [customDay, setCustomDay] = useState(inThirtyDays > maxDay ? maxDay : inThirtyDays);
  const [access, setAccess] = useState<TokenAccess>(readOnlyUser ? 'read' : 'read-write');
  const [graphs, setGraphs] = useState('');
  const [ips, setIps] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; fields: string[] }>();

  async function submit(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const graphList = listField(graphs);
    const body: CreateTokenBody = {
      name: name.trim(),
      ...expiryFields(expiry, customDay, config.maxTtlSeconds),
      permissions: { access, ...(graphList ? { graphs: graphList } : {}) },
      ...(listField(ips) ? { allowedIps: listField(ips) } : {}),
    };
    const { data, error: problem, response } = await api.POST('/api/auth/tokens', { body });
    setBusy(false);
    if (data) onCreated(data, body.name);
    else if (response.status !== 401) setError({ message: problemMessage(problem, response), fields: fieldProblems(problem) });
  }

  return (
    <Dialog title="Generate token" onClose={onCancel}>
      <form class="form" onSubmit={(event) => void submit(event)}>
        <div class="field">
          <label for={ids.name}>Name</label>
          <input id={ids.name} type="text" required maxLength={100} autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for={ids.expiry}>Expiration</label>
          <select id={ids.expiry} value={expiry} onChange={(e) => setExpiry(e.currentTarget.value as ExpiryChoice)}>
            {options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        {expiry === 'custom' && (
          <div class="field">
            <label for={ids.date}>Expiration date</label>
            <input id={ids.date} type="date" required min={isoDay(today)} max={maxDay} value={customDay} onInput={(e) => setCustomDay(e.currentTarget.value)} />
          </div>
        )}
        {expiry === 'never' && <p class="hint warning-text">A token without expiration works until it is revoked. Prefer a date and rotate it.</p>}
        <div class="field">
          <label for={ids.access}>Access</label>
          <select id={ids.access} value={access} onChange={(e) => setAccess(e.currentTarget.value as TokenAccess)}>
            {!readOnlyUser && <option value="read-write">Read and write</option>}
            <option value="read">Read only</option>
          </select>
        </div>
        <ListInputField
          label="Graphs"
          placeholder="all graphs"
          hint="Optional. Comma-separated graph names, or prefixes ending in * (e.g. social, sales_*). Empty: every graph you can use."
          value={graphs}
          onInput={setGraphs}
        />
        <ListInputField
          label="Allowed IPs"
          placeholder="anywhere"
          hint="Optional. Comma-separated addresses or CIDR ranges (e.g. 203.0.113.0/24). Empty: from anywhere."
          value={ips}
          onInput={setIps}
        />
        {error && (
          <div role="alert" class="error">
            <p>{error.message}</p>
            {error.fields.length > 1 && (
              <ul>
                {error.fields.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        <div class="actions">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Generate
          </button>
        </div>
      </form>
    </Dialog>
  );
}
