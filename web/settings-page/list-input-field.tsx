import { useId } from 'preact/hooks';

interface ListInputFieldProps {
  label: string;
  placeholder: string;
  /** Shown under the field and read out with it (aria-describedby). */
  hint: string;
  value: string;
  onInput: (value: string) => void;
}

/** A text field for an optional comma-separated list (graph names, addresses), with its hint. */
export function ListInputField({ label, placeholder, hint, value, onInput }: ListInputFieldProps) {
  const id = useId();
  const hintId = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} type="text" autocomplete="off" placeholder={placeholder} aria-describedby={hintId} value={value} onInput={(e) => onInput(e.currentTarget.value)} />
      <p class="hint" id={hintId}>
        {hint}
      </p>
    </div>
  );
}
