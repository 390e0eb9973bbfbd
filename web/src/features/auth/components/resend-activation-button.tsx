import type { EmailBody } from '@relay/contracts';
import { useMutation } from '@tanstack/react-query';
import { Banner } from '../../../design/banner.tsx';
import { Button } from '../../../design/button.tsx';
import { authApi } from '../api/auth-api.ts';
import { LazyFormError } from './lazy-form-error.tsx';

/** "Resend email" for an address we already have; says what happened in words. */
export function ResendActivationButton({ email }: { email: EmailBody['email'] }) {
  const resend = useMutation({ mutationFn: () => authApi.resendActivation({ email }) });
  return (
    <div className="stack">
      {resend.isSuccess && <Banner tone="success">We sent another link to {email}.</Banner>}
      <LazyFormError error={resend.error} />
      <Button variant="secondary" block busy={resend.isPending} onClick={() => resend.mutate()}>
        Resend email
      </Button>
    </div>
  );
}
