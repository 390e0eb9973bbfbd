import * as RadixToast from '@radix-ui/react-toast';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';

type ToastTone = 'success' | 'error';
interface ToastMessage {
  id: number;
  text: string;
  tone: ToastTone;
}
type ShowToast = (text: string, tone?: ToastTone) => void;

const ToastContext = createContext<ShowToast | null>(null);
let nextId = 0;
/** More at once is noise and a wall over the page: the oldest give way. */
const MAX_VISIBLE = 3;

/** Hosts the app's toasts: short confirmations that announce themselves and go away on their own. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastMessage[]>([]);
  const show = useCallback<ShowToast>((text, tone = 'success') => {
    nextId += 1;
    // Read now, not when the update runs: toasts shown together must not share an id.
    const id = nextId;
    setToasts((current) => [...current, { id, text, tone }].slice(-MAX_VISIBLE));
  }, []);
  const dismiss = (id: number) => setToasts((current) => current.filter((toast) => toast.id !== id));
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext value={value}>
      <RadixToast.Provider swipeDirection="right" duration={4000}>
        {children}
        {toasts.map((toast) => (
          <RadixToast.Root
            key={toast.id}
            className={`toast toast--${toast.tone}`}
            type={toast.tone === 'error' ? 'foreground' : 'background'}
            onOpenChange={(open) => open || dismiss(toast.id)}
          >
            <RadixToast.Title>{toast.text}</RadixToast.Title>
            <RadixToast.Close className="button button--ghost" aria-label="Dismiss">
              <span aria-hidden>×</span>
            </RadixToast.Close>
          </RadixToast.Root>
        ))}
        <RadixToast.Viewport className="toast-viewport" />
      </RadixToast.Provider>
    </ToastContext>
  );
}

export function useToast(): ShowToast {
  const show = useContext(ToastContext);
  if (show === null) throw new Error('useToast needs a ToastProvider above it');
  return show;
}
