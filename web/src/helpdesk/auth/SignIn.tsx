import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { z } from 'zod';
import { useAuth } from '@/lib/auth';
import { zodResolver } from '@/lib/form';
import { supabase } from '@/lib/supabase';
import { Button, ErrorMessage, FormField, Input } from '@/ui';
import { AuthLayout } from './AuthLayout';
import { MfaChallenge, needsMfa } from './MfaChallenge';
import { safeNext } from './safeNext';

const schema = z.object({
  email: z.string().trim().min(1, 'Enter your email address').email('Enter a valid email address'),
  password: z.string().min(1, 'Enter your password'),
});
type Values = z.infer<typeof schema>;

/** Email + password sign-in; a second step asks for the TOTP code when the account has one. */
export default function SignIn() {
  const { session } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  const [error, setError] = useState<unknown>(null);
  const [mfa, setMfa] = useState(false);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { email: '', password: '' } });

  if (session && !mfa) return <Navigate to={next} replace />;

  async function submit(values: Values) {
    setError(null);
    const { error: failed } = await supabase().auth.signInWithPassword(values);
    if (failed) { setError(failed); return; }
    if (await needsMfa()) { setMfa(true); return; }
    navigate(next, { replace: true });
  }

  if (mfa) {
    return (
      <AuthLayout title="Two-factor check">
        <MfaChallenge onDone={() => navigate(next, { replace: true })} />
      </AuthLayout>
    );
  }
  const { errors, isSubmitting } = form.formState;
  return (
    <AuthLayout title="Sign in" footer={<>No account yet? <Link className="text-primary underline" to="/sign-up">Create one</Link></>}>
      <form className="grid gap-4" onSubmit={form.handleSubmit(submit)} noValidate>
        <FormField label="Email" error={errors.email?.message}>
          <Input type="email" autoComplete="email" autoFocus {...form.register('email')} />
        </FormField>
        <FormField label="Password" error={errors.password?.message}>
          <Input type="password" autoComplete="current-password" {...form.register('password')} />
        </FormField>
        {error != null && <ErrorMessage title="Could not sign in" error={error} />}
        <Button type="submit" loading={isSubmitting}>Sign in</Button>
        <Link to="/forgot-password" className="text-center text-sm text-primary underline">Forgot your password?</Link>
      </form>
    </AuthLayout>
  );
}
