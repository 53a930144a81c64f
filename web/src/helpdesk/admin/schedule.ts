// Business hours as stored: {"mon": [["09:00","17:00"]], ...}; as typed: "09:00-12:00, 13:00-17:00".

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = typeof DAYS[number];
export type Schedule = Partial<Record<Day, [string, string][]>>;

export function formatDay(ranges: [string, string][] | undefined): string {
  return (ranges ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Parses one day's text; throws a sentence naming the bad part. Empty means closed. */
export function parseDay(text: string): [string, string][] {
  const ranges: [string, string][] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [from, to, extra] = part.split('-').map((p) => p.trim());
    if (extra !== undefined || !TIME.test(from ?? '') || !TIME.test(to ?? '')) throw new Error(`"${part}" is not like 09:00-17:00`);
    if (from >= to) throw new Error(`"${part}" ends before it starts`);
    ranges.push([from, to]);
  }
  ranges.sort((x, y) => x[0].localeCompare(y[0]));
  for (let i = 1; i < ranges.length; i += 1) {
    if (ranges[i][0] < ranges[i - 1][1]) throw new Error(`${formatDay([ranges[i - 1]])} and ${formatDay([ranges[i]])} overlap`);
  }
  return ranges;
}
