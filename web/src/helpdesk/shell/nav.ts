import { BarChart3, FileText, Inbox, LineChart, MessageCircle, PlusCircle, Settings, Ticket } from 'lucide-react';
import type { NavItem } from '@/ui';
import type { Role } from '../role';
import { itopsNav } from '../itopsRoutes';

/** The sidebar by role: what a person sees follows their role (RLS still decides what they may do). */
export function navFor(role: Role): NavItem[] {
  if (role === 'requester') {
    return [
      { to: '/my-tickets', label: 'My tickets', icon: Ticket },
      { to: '/new', label: 'New ticket', icon: PlusCircle },
      { to: '/chat', label: 'Chat with support', icon: MessageCircle },
    ];
  }
  return [
    { to: '/tickets', label: 'Tickets', icon: Inbox },
    { to: '/dashboard', label: 'Dashboard', icon: BarChart3 },
    { to: '/new', label: 'New ticket', icon: PlusCircle },
    ...itopsNav(role),
    { to: '/documents', label: 'Documents', icon: FileText },
    { to: '/chat', label: 'Live chat', icon: MessageCircle },
    { to: '/reports', label: 'Reports', icon: LineChart },
    ...(role === 'admin' ? [{ to: '/admin', label: 'Administration', icon: Settings }] : []),
  ];
}
