import * as RadixDialog from '@radix-ui/react-dialog';
import { type ReactNode, useLayoutEffect, useRef } from 'react';

interface DialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: ReactNode;
  /** The dialog's body, e.g. a form's fields, between the description and the buttons. */
  children?: ReactNode;
  /** The buttons; one of them should close the dialog. */
  actions: ReactNode;
}

/**
 * A modal dialog: focus moves in and is trapped, Escape closes it, focus returns after. Its body
 * scrolls inside it, so the title and the buttons stay on screen however small the window.
 */
export function Dialog({ open, onOpenChange, title, description, children, actions }: DialogProps) {
  // Radix returns focus to a Dialog.Trigger only; these dialogs open from state, so remember the opener.
  const opener = useRef<HTMLElement | null>(null);
  useLayoutEffect(() => {
    if (open && document.activeElement instanceof HTMLElement) opener.current = document.activeElement;
  }, [open]);
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog__overlay" />
        <RadixDialog.Content
          className="dialog__content"
          onCloseAutoFocus={(event) => {
            if (!opener.current?.isConnected) return;
            event.preventDefault();
            opener.current.focus();
          }}
          // Radix asks for an explicit "no description" when there is none.
          {...(description ? {} : { 'aria-describedby': undefined })}
        >
          <RadixDialog.Title asChild>
            <h2>{title}</h2>
          </RadixDialog.Title>
          {description && (
            <RadixDialog.Description className="dialog__description">{description}</RadixDialog.Description>
          )}
          {children !== undefined && <div className="dialog__body">{children}</div>}
          <div className="dialog__actions">{actions}</div>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
