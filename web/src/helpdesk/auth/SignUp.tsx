import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useNavigate } from 'react-router-dom';
import { z } from 'zod';
import { zodResolver } from '@/lib/form';
import { supabase } from '@/lib/supabase';
import { Button, ErrorMessage, FormField, Input } from '@/ui';
import { AuthLayout } from './AuthLayout';

const schema = z.object({
  fullName: z.string().trim().min(1, 'Enter your name'),
  email: z.string().trim().min(1, 'Enter your email address').email('Enter a valid email address'),
  password: z.string().min(8, 'Use at least 8 characters'),
});
type Values = z.infer<typeof schema>;

/** Creates an account; when the server asks for email confirmation, says so instead of signing in. */
export default function SignUp() {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { fullName: '', email: '', password: '' } });

  async function submit(values: Values) {
    setError(null);
    const { data, error: failed } = await supabase().auth.signUp({
      email: values.email, password: values.password,
      options: { data: { full_name: values.fullName }, emailRedirectTo: `${location.origin}/` },
    });
    if (failed) { setError(failed); return; }
    if (data.session) navigate('/', { replace: true });
    else setSentTo(values.email);
  }
  if (sentTo) {
    return (
      <AuthLayout title="Check your email">
        <p className="text-sm" role="status">We sent a confirmation link to <strong>{sentTo}</strong>. Follow it to finish creating your account.</p>
      </AuthLayout>
    );
  }
  const { errors, isSubmitting } = form.formState;
  return (
    <AuthLayout title="Create an account" footer={<>Already have one? <Link className="text-primary underline" to="/sign-in">Sign in</Link></>}>
      <form className="grid gap-4" onSubmit={form.handleSubmit(submit)} noValidate>
        <FormField label="Full name" error={errors.fullName?.message}>
          <Input autoComplete="name" autoFocus {...form.register('fullName')} />
        </FormField>
        <FormField label="Email" error={errors.email?.message}>
          <Input type="email" autoComplete="email" {...form.register('email')} />
        </FormField>
        <FormField label="Password" error={errors.password?.message} hint="At least 8 characters.">
          <Input type="password" autoComplete="new-password" {...form.register('password')} />
        </FormField>
        {error != null && <ErrorMessage title="Could not create the account" error={error} />}
        <Button type="submit" loading={isSubmitting}>Create account</Button>
      </form>
    </AuthLayout>
  );
}
