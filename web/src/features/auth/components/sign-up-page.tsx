import { zodResolver } from '@hookform/resolvers/zod';
import { SignupBody } from '@relay/contracts';
import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { Button } from '../../../design/button.tsx';
import { FormError } from '../../../design/form-error.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { applyFieldErrors, fieldMessage, formSchemaOptions } from '../../../lib/form-errors.ts';
import { authApi } from '../api/auth-api.ts';
import { AuthLayout } from './auth-layout.tsx';
import { CheckInbox } from './check-inbox.tsx';
import { ResendActivationButton } from './resend-activation-button.tsx';

export function SignUpPage() {
  const form = useForm({
    resolver: zodResolver(SignupBody, formSchemaOptions),
    defaultValues: { name: '', email: '', password: '' },
  });
  const signup = useMutation({
    mutationFn: authApi.signup,
    onError: (error) => applyFieldErrors(error, form.setError),
  });
  const { errors } = form.formState;

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
      <form className="stack" noValidate onSubmit={form.handleSubmit((body) => signup.mutate(body))}>
        <FormError error={signup.error} />
        <TextField
          label="Name"
          autoComplete="name"
          error={fieldMessage('Name', errors.name?.message)}
          {...form.register('name')}
        />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          error={fieldMessage('Email', errors.email?.message)}
          {...form.register('email')}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters. A few words you’ll remember make a strong one."
          error={fieldMessage('Password', errors.password?.message)}
          {...form.register('password')}
        />
        <Button type="submit" block busy={signup.isPending}>
          Create account
        </Button>
      </form>
    </AuthLayout>
  );
}
