import { zodResolver } from '@hookform/resolvers/zod';
import { OneTimeToken, ResetPasswordBody } from '@relay/contracts';
import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { Link, useSearchParams } from 'react-router';
import { Banner } from '../../../design/banner.tsx';
import { Button, buttonClassName } from '../../../design/button.tsx';
import { FormError } from '../../../design/form-error.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { ApiError } from '../../../lib/api/api-error.ts';
import { fieldMessage, formSchemaOptions } from '../../../lib/form-errors.ts';
import { authApi } from '../api/auth-api.ts';
import { AuthLayout } from './auth-layout.tsx';

const LINK_PROBLEMS = new Set(['reset_token_unknown', 'reset_token_expired', 'reset_token_used']);

export function ResetPasswordPage() {
  const token = useSearchParams()[0].get('token') ?? '';
  const form = useForm({
    resolver: zodResolver(ResetPasswordBody, formSchemaOptions),
    defaultValues: { token, password: '' },
  });
  const reset = useMutation({ mutationFn: authApi.resetPassword });
  const linkProblem =
    reset.error instanceof ApiError && LINK_PROBLEMS.has(reset.error.code) ? reset.error.message : undefined;

  if (reset.isSuccess) {
    return (
      <AuthLayout
        title="Password changed"
        lead="You were signed out everywhere. Sign in with your new password."
      >
        <Link to="/login" className={buttonClassName('primary', true)}>
          Sign in
        </Link>
      </AuthLayout>
    );
  }
  if (!OneTimeToken.safeParse(token).success || linkProblem !== undefined) {
    return (
      <AuthLayout
        title="This link doesn’t work"
        lead={linkProblem ?? 'The reset link is incomplete. Open it from the e-mail again.'}
      >
        <Link to="/forgot-password" className={buttonClassName('primary', true)}>
          Get a new link
        </Link>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout
      title="Choose a new password"
      lead="After this, every device signed in to your account is signed out."
    >
      <form className="stack" noValidate onSubmit={form.handleSubmit((body) => reset.mutate(body))}>
        <FormError error={reset.error} />
        {form.formState.errors.token && <Banner tone="error">The reset link is not valid.</Banner>}
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters."
          error={fieldMessage('Password', form.formState.errors.password?.message)}
          {...form.register('password')}
        />
        <Button type="submit" block busy={reset.isPending}>
          Set new password
        </Button>
      </form>
    </AuthLayout>
  );
}
