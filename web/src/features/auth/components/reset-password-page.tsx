import { useMutation } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { Button, buttonClassName } from '../../../design/button.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { fieldMessage } from '../../../lib/field-message.ts';
import { authApi } from '../api/auth-api.ts';
import { errorCode } from '../api/error-code.ts';
import { isOneTimeToken, newPassword } from './auth-fields.ts';
import { AuthLayout } from './auth-layout.tsx';
import { LazyFormError } from './lazy-form-error.tsx';
import { useCheckedForm } from './use-checked-form.ts';

const LINK_PROBLEMS = new Set(['reset_token_unknown', 'reset_token_expired', 'reset_token_used']);
const FIELDS = { password: newPassword };

export function ResetPasswordPage() {
  const token = useSearchParams()[0].get('token') ?? '';
  const form = useCheckedForm(FIELDS);
  const reset = useMutation({ mutationFn: authApi.resetPassword });
  const linkProblem = LINK_PROBLEMS.has(errorCode(reset.error) ?? '') ? reset.error?.message : undefined;

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
  if (!isOneTimeToken(token) || linkProblem !== undefined) {
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
      <form
        className="stack"
        noValidate
        onChange={form.handleChange}
        onSubmit={form.handleSubmit(({ password }) => reset.mutate({ token, password }))}
      >
        <LazyFormError error={reset.error} />
        <TextField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters."
          error={fieldMessage('Password', form.errors.password)}
        />
        <Button type="submit" block busy={reset.isPending}>
          Set new password
        </Button>
      </form>
    </AuthLayout>
  );
}
