/** Joins class names, dropping falsy ones (the kit's whole need; no class-merging library). */
export function cn(...parts: Array<string | false | null | undefined>): string {
  return parts.filter(Boolean).join(' ');
}
