import { LogOut, ShieldCheck, UserRound } from 'lucide-react';
import { useNavigate } from 'react-router-dom';
import { signOut, useUser } from '@/lib/auth';
import { Button, DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger, toast } from '@/ui';
import { describeError } from '@/lib/errors';
import type { Me } from '../role';

export function UserMenu({ me }: { me?: Me }) {
  const user = useUser();
  const navigate = useNavigate();
  async function leave() {
    try { await signOut(); navigate('/sign-in', { replace: true }); } catch (e) { toast.error('Could not sign out', describeError(e)); }
  }
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon" aria-label="User menu"><UserRound aria-hidden className="h-5 w-5" /></Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent>
        <DropdownMenuLabel>
          <span className="block text-foreground">{me?.full_name || user.email}</span>
          <span className="block font-normal">{user.email} · {me?.role ?? 'requester'}</span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem onSelect={() => navigate('/account')}><ShieldCheck aria-hidden className="h-4 w-4" />Account and security</DropdownMenuItem>
        <DropdownMenuItem onSelect={leave}><LogOut aria-hidden className="h-4 w-4" />Sign out</DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
