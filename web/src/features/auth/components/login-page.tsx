import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Banner } from '../../../design/banner.tsx';
import { Button } from '../../../design/button.tsx';
import { TextField } from '../../../design/text-field.tsx';
import { fieldMessage } from '../../../lib/field-message.ts';
import { authApi } from '../api/auth-api.ts';
import { errorCode } from '../api/error-code.ts';
import { loadSession } from '../api/load-session.ts';
import { useLoadedSessionState } from '../hooks/use-loaded-session-state.ts';
import { email, password } from './auth-fields.ts';
import { AuthLayout } from './auth-layout.tsx';
import { LazyFormError } from './lazy-form-error.tsx';
import { ResendActivationButton } from './resend-activation-button.tsx';
import { useCheckedForm } from './use-checked-form.ts';

const FIELDS = { email, password };

/** Signing in; the guest route around this page takes the user on to where they were going. */
export function LoginPage() {
  const state = useLoadedSessionState();
  const form = useCheckedForm(FIELDS);
  const login = useMutation({
    mutationFn: authApi.login,
    onSuccess: async (tokens) => (await loadSession()).signIn(tokens),
  });
  const { errors } = form;
  const notActivated = errorCode(login.error) === 'account_not_activated';
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
      <form
        className="stack"
        noValidate
        onChange={form.handleChange}
        onSubmit={form.handleSubmit((body) => login.mutate(body))}
      >
        {endedMessage && <Banner tone="warning">{endedMessage}</Banner>}
        <LazyFormError error={login.error} />
        {notActivated && login.variables && <ResendActivationButton email={login.variables.email} />}
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
          autoComplete="current-password"
          error={fieldMessage('Password', errors.password)}
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
