import type { ButtonHTMLAttributes } from 'react';
import { Spinner } from './spinner.tsx';

export type ButtonVariant = 'primary' | 'secondary' | 'ghost' | 'danger';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  block?: boolean;
  /** Disables the button and shows a spinner, keeping its accessible name. */
  busy?: boolean;
}

export function buttonClassName(variant: ButtonVariant = 'primary', block = false): string {
  return `button button--${variant}${block ? ' button--block' : ''}`;
}

export function Button({
  variant = 'primary',
  block = false,
  busy = false,
  type = 'button',
  disabled,
  className,
  children,
  ...props
}: ButtonProps) {
  return (
    <button
      type={type}
      className={`${buttonClassName(variant, block)} ${className ?? ''}`}
      disabled={disabled === true || busy}
      aria-busy={busy || undefined}
      {...props}
    >
      {busy && <Spinner size="inline" />}
      {children}
    </button>
  );
}
