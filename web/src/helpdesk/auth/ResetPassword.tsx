import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Link, useNavigate } from 'react-router-dom';
import { z } from 'zod';
import { useAuth } from '@/lib/auth';
import { zodResolver } from '@/lib/form';
import { supabase } from '@/lib/supabase';
import { Button, ErrorMessage, FormField, Input } from '@/ui';
import { PageLoading } from '../shell/PageLoading';
import { AuthLayout } from './AuthLayout';

const schema = z.object({
  password: z.string().min(8, 'Use at least 8 characters'),
  confirm: z.string(),
}).refine((v) => v.password === v.confirm, { message: 'The passwords do not match', path: ['confirm'] });
type Values = z.infer<typeof schema>;

/** Where the recovery link lands: supabase-js reads the session from the URL, then this sets the password. */
export default function ResetPassword() {
  const { session, loading } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const form = useForm<Values>({ resolver: zodResolver(schema), defaultValues: { password: '', confirm: '' } });
  if (loading) return <PageLoading />;
  if (!session) {
    return (
      <AuthLayout title="Set a new password">
        <p className="text-sm">This link has expired or was already used. <Link className="text-primary underline" to="/forgot-password">Ask for a new one</Link>.</p>
      </AuthLayout>
    );
  }
  async function submit(values: Values) {
    setError(null);
    const { error: failed } = await supabase().auth.updateUser({ password: values.password });
    if (failed) setError(failed); else navigate('/', { replace: true });
  }
  const { errors, isSubmitting } = form.formState;
  return (
    <AuthLayout title="Set a new password">
      <form className="grid gap-4" onSubmit={form.handleSubmit(submit)} noValidate>
        <FormField label="New password" error={errors.password?.message}>
          <Input type="password" autoComplete="new-password" autoFocus {...form.register('password')} />
        </FormField>
        <FormField label="Confirm new password" error={errors.confirm?.message}>
          <Input type="password" autoComplete="new-password" {...form.register('confirm')} />
        </FormField>
        {error != null && <ErrorMessage title="Could not set the password" error={error} />}
        <Button type="submit" loading={isSubmitting}>Set password</Button>
      </form>
    </AuthLayout>
  );
}
