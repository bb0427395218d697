/**
 * The settings forms' labelled inputs (settings page, team sync): one place for their markup, so every page's
 * fields look and read the same.
 */
import type { CSSProperties, InputHTMLAttributes, ReactNode } from 'react';

/** A checkbox and its words on one line. */
const ROW: CSSProperties = { display: 'flex', gap: 8, alignItems: 'center' };

/** A checkbox with its label after it, on one line (`className="rs-field"` when it stands alone in a form). */
export function Check({
  name,
  checked,
  onCheck,
  label,
  className,
}: {
  name: string;
  checked: boolean;
  onCheck: (checked: boolean) => void;
  label: ReactNode;
  className?: string;
}) {
  return (
    <label className={className} style={ROW}>
      <input type="checkbox" name={name} checked={checked} onChange={(e) => onCheck(e.target.checked)} />
      <span>{label}</span>
    </label>
  );
}

/** A labelled input: the label, the input (any attributes but its value), then an optional help or error line. */
export function Field({
  label,
  value,
  onValue,
  help,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & {
  label: ReactNode;
  value: string | number;
  onValue: (value: string) => void;
  help?: ReactNode;
}) {
  return (
    <label className="rs-field">
      <span>{label}</span>
      <input {...input} value={value} onChange={(e) => onValue(e.target.value)} />
      {help}
    </label>
  );
}
