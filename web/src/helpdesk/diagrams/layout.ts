/** Where a node placed with its button goes: the first grid slot no other node is near. */
export function freeSpot(nodes: { x: number; y: number }[], width: number, height: number): { x: number; y: number } {
  const stepX = 190;
  const stepY = 100;
  for (let y = 70; y <= height - 40; y += stepY) {
    for (let x = 110; x <= width - 90; x += stepX) {
      if (nodes.every((n) => Math.abs(n.x - x) >= 170 || Math.abs(n.y - y) >= 70)) return { x, y };
    }
  }
  return { x: width / 2, y: height / 2 };
}
