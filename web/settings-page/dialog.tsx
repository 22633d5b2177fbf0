import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

/** Where focus goes when the element that opened a dialog is gone (e.g. the row of a revoked token). */
export const FOCUS_FALLBACK_ID = 'main-heading';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/**
 * Keeps Tab and Shift+Tab inside the dialog: a modal dialog makes the page behind it inert, but
 * from its last control the browser would move focus out to its own toolbar.
 */
function trapTab(event: KeyboardEvent): void {
  if (event.key !== 'Tab' || !(event.currentTarget instanceof HTMLElement)) return;
  const focusable = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((element) => element.getClientRects().length > 0);
  if (focusable.length === 0) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  const active = document.activeElement;
  if (event.shiftKey && (active === first || !event.currentTarget.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !event.currentTarget.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}

interface DialogProps {
  title: string;
  /** Closed by the user: Escape, or a button of the dialog. */
  onClose: () => void;
  /** `alertdialog` for confirmations of destructive actions. */
  role?: 'dialog' | 'alertdialog';
  describedBy?: string;
  children: ComponentChildren;
}

/**
 * A native modal `<dialog>` (showModal): the browser makes the rest of the page inert and closes
 * it on Escape; trapTab keeps Tab inside. Mounted to open, unmounted to close; focus goes back to
 * what opened it.
 */
export function Dialog({ title, onClose, role, describedBy, children }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    ref.current?.showModal();
    return () => {
      const target = opener?.isConnected ? opener : document.getElementById(FOCUS_FALLBACK_ID);
      target?.focus();
    };
  }, []);
  return (
    <dialog ref={ref} class="dialog" role={role} aria-labelledby={titleId} aria-describedby={describedBy} onClose={onClose} onKeyDown={trapTab}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
