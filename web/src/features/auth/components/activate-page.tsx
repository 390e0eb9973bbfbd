import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { Banner } from '../../../design/banner.tsx';
import { Button, buttonClassName } from '../../../design/button.tsx';
import { Spinner } from '../../../design/spinner.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { fieldMessage } from '../../../lib/field-message.ts';
import { authApi } from '../api/auth-api.ts';
import { errorCode } from '../api/error-code.ts';
import { email } from './auth-fields.ts';
import { AuthLayout } from './auth-layout.tsx';
import { LazyFormError } from './lazy-form-error.tsx';
import { useCheckedForm } from './use-checked-form.ts';

const FAILURES: Record<string, { title: string; lead: string }> = {
  activation_token_expired: {
    title: 'Link expired',
    lead: 'Activation links work for a day. Enter your e-mail and we’ll send a new one.',
  },
  activation_token_used: {
    title: 'Link already used',
    lead: 'Your account may already be active: try signing in. Or get a new link below.',
  },
};
const INVALID = {
  title: 'Link not valid',
  lead: 'This activation link is incomplete or wrong. Get a new one below.',
};

/** The landing page of the e-mailed activation link, `/activate?token=…`. */
export function ActivatePage() {
  const token = useSearchParams()[0].get('token') ?? '';
  // A query, not an effect: the token is spent once even when React mounts the page twice.
  const activation = useQuery({
    queryKey: ['activation', token],
    queryFn: () => authApi.activate({ token }),
    enabled: token !== '',
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: Number.POSITIVE_INFINITY,
  });

  if (activation.isSuccess) {
    return (
      <AuthLayout title="Account activated" lead="You’re all set. Sign in to start chatting.">
        <Link to="/login" className={buttonClassName('primary', true)}>
          Sign in
        </Link>
      </AuthLayout>
    );
  }
  if (activation.isPending && token !== '') {
    return (
      <AuthLayout title="Activating your account">
        <Spinner label="Activating" />
      </AuthLayout>
    );
  }
  const code = errorCode(activation.error) ?? '';
  const failure = FAILURES[code] ?? INVALID;
  return (
    <AuthLayout title={failure.title} lead={failure.lead} footer={<Link to="/login">Go to sign in</Link>}>
      {code === 'network' && <Banner tone="error">{activation.error?.message}</Banner>}
      <ResendActivationForm />
    </AuthLayout>
  );
}

const FIELDS = { email };

function ResendActivationForm() {
  const form = useCheckedForm(FIELDS);
  const resend = useMutation({ mutationFn: authApi.resendActivation });
  return (
    <form
      className="stack"
      noValidate
      onChange={form.handleChange}
      onSubmit={form.handleSubmit((body) => resend.mutate(body))}
    >
      {resend.isSuccess && <Banner tone="success">{resend.data.message}</Banner>}
      <LazyFormError error={resend.error} />
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        error={fieldMessage('Email', form.errors.email)}
      />
      <Button type="submit" variant="secondary" block busy={resend.isPending}>
        Resend email
      </Button>
    </form>
  );
}
