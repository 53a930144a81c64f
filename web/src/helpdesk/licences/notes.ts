/** The warning line above the licence list: over-allocated first, then renewals due. */
export function warningNote(over: string[], due: string[]): string {
  const parts: string[] = [];
  if (over.length) parts.push(`Over-allocated: ${over.join(', ')}.`);
  if (due.length) parts.push(`Renewal due within 30 days: ${due.join(', ')}.`);
  return parts.join(' ');
}
