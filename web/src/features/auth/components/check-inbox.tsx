import type { ReactNode } from 'react';
import { AuthLayout } from './auth-layout.tsx';

/** After sign-up or a reset request: where the link went, and what to do if it does not come. */
export function CheckInbox({ email, children }: { email: string; children?: ReactNode }) {
  return (
    <AuthLayout
      title="Check your inbox"
      lead={
        <>
          We sent a link to <strong>{email}</strong>. It may take a minute to arrive; check your spam folder
          too.
        </>
      }
    >
      {children}
    </AuthLayout>
  );
}
