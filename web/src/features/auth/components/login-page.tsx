import { zodResolver } from '@hookform/resolvers/zod';
import { LoginBody } from '@relay/contracts';
import { useMutation } from '@tanstack/react-query';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router';
import { Banner } from '../../../design/banner.tsx';
import { Button } from '../../../design/button.tsx';
import { FormError } from '../../../design/form-error.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { session } from '../../../lib/api/api.ts';
import { ApiError } from '../../../lib/api/api-error.ts';
import { fieldMessage, formSchemaOptions } from '../../../lib/form-errors.ts';
import { authApi } from '../api/auth-api.ts';
import { useSessionState } from '../hooks/use-session-state.ts';
import { AuthLayout } from './auth-layout.tsx';
import { ResendActivationButton } from './resend-activation-button.tsx';

/** Signing in; the guest route around this page takes the user on to where they were going. */
export function LoginPage() {
  const state = useSessionState();
  const form = useForm({
    resolver: zodResolver(LoginBody, formSchemaOptions),
    defaultValues: { email: '', password: '' },
  });
  const login = useMutation({ mutationFn: authApi.login, onSuccess: (tokens) => session.signIn(tokens) });
  const { errors } = form.formState;
  const notActivated = login.error instanceof ApiError && login.error.code === 'account_not_activated';
  const endedMessage = state.status === 'signed-out' && !login.isError ? state.message : undefined;

  return (
    <AuthLayout
      title="Sign in"
      lead="Welcome back."
      footer={
        <>
          New to Relay? <Link to="/signup">Create an account</Link>
        </>
      }
    >
      <form className="stack" noValidate onSubmit={form.handleSubmit((body) => login.mutate(body))}>
        {endedMessage && <Banner tone="warning">{endedMessage}</Banner>}
        <FormError error={login.error} />
        {notActivated && login.variables && <ResendActivationButton email={login.variables.email} />}
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
          autoComplete="current-password"
          error={fieldMessage('Password', errors.password?.message)}
          {...form.register('password')}
        />
        <div className="auth__row">
          <Link to="/forgot-password">Forgot password?</Link>
        </div>
        <Button type="submit" block busy={login.isPending}>
          Sign in
        </Button>
      </form>
    </AuthLayout>
  );
}
