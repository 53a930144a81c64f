import { Link } from 'react-router-dom';
import { EmptyState } from '@/ui';
import { SearchX } from 'lucide-react';

export default function NotFound() {
  return <EmptyState icon={SearchX} title="Page not found" description="This address does not lead anywhere."
    action={<Link className="text-sm text-primary underline" to="/">Go to the start page</Link>} />;
}
