import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Button } from '../../../design/button.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { fieldMessage } from '../../../lib/field-message.ts';
import { authApi } from '../api/auth-api.ts';
import { displayName, email, newPassword } from './auth-fields.ts';
import { AuthLayout } from './auth-layout.tsx';
import { CheckInbox } from './check-inbox.tsx';
import { LazyFormError } from './lazy-form-error.tsx';
import { ResendActivationButton } from './resend-activation-button.tsx';
import { useCheckedForm } from './use-checked-form.ts';

const FIELDS = { name: displayName, email, password: newPassword };

export function SignUpPage() {
  const form = useCheckedForm(FIELDS);
  const signup = useMutation({
    mutationFn: authApi.signup,
    // The gateway's per-field answers go on their fields; the error class that carries them has loaded.
    onError: async (error) => {
      const { applyFieldErrors } = await import('../../../lib/form-errors.ts');
      applyFieldErrors(error, (path, { message }) => form.setError(path, message ?? ''));
    },
  });
  const { errors } = form;

  if (signup.isSuccess) {
    return (
      <CheckInbox email={signup.variables.email}>
        <p className="muted">Didn’t get it?</p>
        <ResendActivationButton email={signup.variables.email} />
      </CheckInbox>
    );
  }
  return (
    <AuthLayout
      title="Create your account"
      lead="Chat in real time and convert documents, all in one place."
      footer={
        <>
          Already have an account? <Link to="/login">Sign in</Link>
        </>
      }
    >
      <form
        className="stack"
        noValidate
        onChange={form.handleChange}
        onSubmit={form.handleSubmit((body) => signup.mutate(body))}
      >
        <LazyFormError error={signup.error} />
        <TextField label="Name" name="name" autoComplete="name" error={fieldMessage('Name', errors.name)} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          error={fieldMessage('Email', errors.email)}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters. A few words you’ll remember make a strong one."
          error={fieldMessage('Password', errors.password)}
        />
        <Button type="submit" block busy={signup.isPending}>
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
