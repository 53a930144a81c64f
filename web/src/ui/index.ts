// The one component kit shared by the helpdesk and Studio.
export { AppShell, PageHeader, type NavItem } from './AppShell';
export { Badge, type BadgeTone } from './Badge';
export { Button, type ButtonProps } from './Button';
export { Card, CardContent, CardHeader, CardTitle } from './Card';
export { Checkbox } from './Checkbox';
export { cn } from './cn';
export { ConfirmDialog } from './ConfirmDialog';
export { DataTable, type Column, type Sort } from './DataTable';
export { Dialog, DialogClose } from './Dialog';
export {
  DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger,
} from './DropdownMenu';
export { DropZone, UploadList, type UploadItem } from './DropZone';
export { EmptyState } from './EmptyState';
export { ErrorMessage } from './ErrorMessage';
export { FormField } from './FormField';
export { Input, Textarea } from './Input';
export { Label } from './Label';
export { Progress } from './Progress';
export { Select, type SelectOption } from './Select';
export { Skeleton } from './Skeleton';
export { Spinner } from './Spinner';
export { Tabs, TabsContent, TabsList, TabsTrigger } from './Tabs';
export { ThemeToggle } from './ThemeToggle';
export { Toaster, toast } from './toast';
export { Tooltip, TooltipProvider } from './Tooltip';
