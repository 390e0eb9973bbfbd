import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Button } from '../../../design/button.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { fieldMessage } from '../../../lib/field-message.ts';
import { authApi } from '../api/auth-api.ts';
import { email } from './auth-fields.ts';
import { AuthLayout } from './auth-layout.tsx';
import { CheckInbox } from './check-inbox.tsx';
import { LazyFormError } from './lazy-form-error.tsx';
import { useCheckedForm } from './use-checked-form.ts';

const FIELDS = { email };

export function ForgotPasswordPage() {
  const form = useCheckedForm(FIELDS);
  const request = useMutation({ mutationFn: authApi.forgotPassword });

  if (request.isSuccess) {
    return (
      <CheckInbox email={request.variables.email}>
        <p className="muted">
          If that address has an account, the link in the e-mail lets you choose a new password.
        </p>
        <Link to="/login">Back to sign in</Link>
      </CheckInbox>
    );
  }
  return (
    <AuthLayout
      title="Reset your password"
      lead="Enter your account’s e-mail and we’ll send you a link to choose a new password."
      footer={<Link to="/login">Back to sign in</Link>}
    >
      <form
        className="stack"
        noValidate
        onChange={form.handleChange}
        onSubmit={form.handleSubmit((body) => request.mutate(body))}
      >
        <LazyFormError error={request.error} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          error={fieldMessage('Email', form.errors.email)}
        />
        <Button type="submit" block busy={request.isPending}>
          Send reset link
        </Button>
      </form>
    </AuthLayout>
  );
}
