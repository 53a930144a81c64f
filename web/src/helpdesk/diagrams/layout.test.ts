import { describe, expect, it } from 'vitest';
import { freeSpot } from './layout';

describe('freeSpot', () => {
  it('takes the first slot, then skips occupied ones', () => {
    expect(freeSpot([], 960, 600)).toEqual({ x: 110, y: 70 });
    expect(freeSpot([{ x: 120, y: 80 }], 960, 600)).toEqual({ x: 300, y: 70 });
  });
  it('falls back to the centre when the canvas is full', () => {
    const full = [];
    for (let y = 70; y <= 560; y += 100) for (let x = 110; x <= 870; x += 190) full.push({ x, y });
    expect(freeSpot(full, 960, 600)).toEqual({ x: 480, y: 300 });
  });
});
