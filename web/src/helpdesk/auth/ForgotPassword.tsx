import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link } from 'react-router-dom';
import { z } from 'zod';
import { zodResolver } from '@/lib/form';
import { supabase } from '@/lib/supabase';
import { Button, ErrorMessage, FormField, Input } from '@/ui';
import { AuthLayout } from './AuthLayout';

const schema = z.object({ email: z.string().trim().min(1, 'Enter your email address').email('Enter a valid email address') });

/** Sends the recovery mail; its link signs the person in and lands on /reset-password. */
export default function ForgotPassword() {
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);
  const form = useForm<{ email: string }>({ resolver: zodResolver(schema), defaultValues: { email: '' } });
  async function submit({ email }: { email: string }) {
    setError(null);
    const { error: failed } = await supabase().auth.resetPasswordForEmail(email, { redirectTo: `${location.origin}/reset-password` });
    if (failed) setError(failed); else setSent(true);
  }
  const { errors, isSubmitting } = form.formState;
  return (
    <AuthLayout title="Reset your password" footer={<Link className="text-primary underline" to="/sign-in">Back to sign in</Link>}>
      {sent ? (
        <p role="status" className="text-sm">If an account exists for that address, we sent it a link to set a new password.</p>
      ) : (
        <form className="grid gap-4" onSubmit={form.handleSubmit(submit)} noValidate>
          <FormField label="Email" error={errors.email?.message}>
            <Input type="email" autoComplete="email" autoFocus {...form.register('email')} />
          </FormField>
          {error != null && <ErrorMessage title="Could not send the link" error={error} />}
          <Button type="submit" loading={isSubmitting}>Send reset link</Button>
        </form>
      )}
    </AuthLayout>
  );
}
