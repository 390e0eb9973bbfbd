import { type InputHTMLAttributes, type TextareaHTMLAttributes, useId } from 'react';

interface FieldProps {
  label: string;
  /** Shown under the control and announced with it. */
  error?: string | undefined;
  hint?: string | undefined;
  /** Named for assistive tech only, where the control's place says what it is (a chat's composer). */
  labelHidden?: boolean;
}

type InputFieldProps = FieldProps & InputHTMLAttributes<HTMLInputElement> & { multiline?: false };
type TextAreaFieldProps = FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement> & { multiline: true };

/** A labelled input (or textarea) whose hint and validation message are tied to it for assistive tech. */
export function TextField(props: InputFieldProps | TextAreaFieldProps) {
  const id = useId();
  const { label, error, hint } = props;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint && hintId, error && errorId].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    className: 'field__control',
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  };
  return (
    <div className="field">
      <label className={props.labelHidden ? 'visually-hidden' : 'field__label'} htmlFor={id}>
        {label}
      </label>
      {props.multiline ? (
        <textarea {...withoutFieldProps(props)} {...common} />
      ) : (
        <input {...withoutFieldProps(props)} {...common} />
      )}
      {hint && (
        <span id={hintId} className="field__hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={errorId} className="field__error">
          {error}
        </span>
      )}
    </div>
  );
}

function withoutFieldProps<T extends FieldProps & { multiline?: boolean }>(props: T) {
  const {
    label: _label,
    error: _error,
    hint: _hint,
    multiline: _multiline,
    labelHidden: _hidden,
    ...rest
  } = props;
  return rest;
}
