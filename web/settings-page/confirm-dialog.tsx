import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';
import { Dialog } from './dialog';

interface ConfirmDialogProps {
  title: string;
  confirmLabel: string;
  /** Resolves with an error message to show, or undefined when done. */
  onConfirm: () => Promise<string | undefined>;
  onCancel: () => void;
  children: ComponentChildren;
}

/** "Are you sure?" for an action that breaks a token's users; Cancel has the focus first. */
export function ConfirmDialog({ title, confirmLabel, onConfirm, onCancel, children }: ConfirmDialogProps) {
  const descriptionId = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  async function confirm(): Promise<void> {
    setBusy(true);
    setError(undefined);
    const failure = await onConfirm();
    setBusy(false);
    if (failure) setError(failure);
  }

  return (
    <Dialog title={title} role="alertdialog" describedBy={descriptionId} onClose={onCancel}>
      <div id={descriptionId}>{children}</div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" class="danger" disabled={busy} onClick={() => void confirm()}>
          {confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
