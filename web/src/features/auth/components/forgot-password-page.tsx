import { zodResolver } from '@hookform/resolvers/zod';
import { EmailBody } from '@relay/contracts';
import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { Button } from '../../../design/button.tsx';
import { FormError } from '../../../design/form-error.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { fieldMessage, formSchemaOptions } from '../../../lib/form-errors.ts';
import { authApi } from '../api/auth-api.ts';
import { AuthLayout } from './auth-layout.tsx';
import { CheckInbox } from './check-inbox.tsx';

export function ForgotPasswordPage() {
  const form = useForm({ resolver: zodResolver(EmailBody, formSchemaOptions), defaultValues: { email: '' } });
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
      <form className="stack" noValidate onSubmit={form.handleSubmit((body) => request.mutate(body))}>
        <FormError error={request.error} />
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          error={fieldMessage('Email', form.formState.errors.email?.message)}
          {...form.register('email')}
        />
        <Button type="submit" block busy={request.isPending}>
          Send reset link
        </Button>
      </form>
    </AuthLayout>
  );
}
