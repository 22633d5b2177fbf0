import { useId, useRef, useState } from 'preact/hooks';
import type { CreatedToken } from './api';
import { Dialog } from './dialog';
import { formatDateTime } from './format';

interface NewTokenDialogProps {
  title: string;
  tokenName: string;
  created: CreatedToken;
  /** The token replaced another: the old one must go everywhere before it is used again. */
  rotated: boolean;
  onDone: () => void;
}

/** Shows a new token once, with a Copy button: the server keeps only its hash. */
export function NewTokenDialog({ title, tokenName, created, rotated, onDone }: NewTokenDialogProps) {
  const inputId = useId();
  const warningId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copy(): Promise<void> {
    try {
      // Absent outside secure contexts (plain HTTP to a host other than localhost).
      await navigator.clipboard.writeText(created.token);
      setCopyState('copied');
    } catch {
      input.current?.select();
      setCopyState('failed');
    }
  }

  return (
    <Dialog title={title} onClose={onDone} describedBy={warningId}>
      <p class="warning" id={warningId}>
        <strong>Copy this token now.</strong> It will not be shown again: the server keeps only a hash of it. Store it somewhere safe,
        such as your CI system's secret store.
      </p>
      <label for={inputId}>New token</label>
      <div class="copy-row">
        <input
          ref={input}
          id={inputId}
          class="token-value"
          type="text"
          readOnly
          value={created.token}
          spellcheck={false}
          autocomplete="off"
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" autofocus onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p role="status" class="hint">
        {copyState === 'copied' ? 'Copied to the clipboard.' : copyState === 'failed' ? 'Could not copy: the token is selected, press Ctrl+C (or ⌘C).' : ''}
      </p>
      {rotated && <p class="hint warning-text">Replace the old token everywhere now: one more use of it revokes this new token too.</p>}
      <p class="hint">
        “{tokenName}” {created.expiresAt ? `expires ${formatDateTime(created.expiresAt)}` : 'never expires'}.
      </p>
      <div class="actions">
        <button type="button" class="primary" onClick={onDone}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
