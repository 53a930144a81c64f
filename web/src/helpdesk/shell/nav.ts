import { BarChart3, Inbox, PlusCircle, Ticket } from 'lucide-react';
import type { NavItem } from '@/ui';
import type { Role } from '../role';
import { itopsNav } from '../itopsRoutes';

/** The sidebar by role: what a person sees follows their role (RLS still decides what they may do). */
export function navFor(role: Role): NavItem[] {
  if (role === 'requester') {
    return [
      { to: '/my-tickets', label: 'My tickets', icon: Ticket },
      { to: '/new', label: 'New ticket', icon: PlusCircle },
    ];
  }
  return [
    { to: '/tickets', label: 'Tickets', icon: Inbox },
    { to: '/dashboard', label: 'Dashboard', icon: BarChart3 },
    { to: '/new', label: 'New ticket', icon: PlusCircle },
    ...itopsNav(role),
  ];
}
