import qrcode from 'qrcode-generator';
import { useMemo } from 'react';

/** The dark modules of a QR code for `text` (error correction M), as an SVG path in module units. */
export function qrPath(text: string): { size: number; d: string } {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  let d = '';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c} ${r}h1v1h-1z`;
  }
  return { size: n, d };
}

/** A QR code as crisp SVG (prints sharp at any size), with a 4-module quiet zone. */
export function QrCode({ value, size = 128, label }: { value: string; size?: number; label?: string }) {
  const { size: n, d } = useMemo(() => qrPath(value), [value]);
  return (
    <svg role="img" aria-label={label ?? `QR code for ${value}`} width={size} height={size}
      viewBox={`-4 -4 ${n + 8} ${n + 8}`} shapeRendering="crispEdges" data-qr-value={value}>
      <rect x={-4} y={-4} width={n + 8} height={n + 8} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
