import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { escapeHtml } from '@relay/platform';
import sharp from 'sharp';

const RESULTS_DIR = join(import.meta.dirname, '..', 'results');

export interface Bar {
  label: string;
  value: number;
}

/** Writes `<name>.json` and a bar chart `<name>.png` under bench/results, and returns their paths. */
export async function writeReport(
  name: string,
  data: unknown,
  chart: { title: string; unit: string; bars: Bar[] },
) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const jsonPath = join(RESULTS_DIR, `${name}.json`);
  const pngPath = join(RESULTS_DIR, `${name}.png`);
  writeFileSync(jsonPath, `${JSON.stringify(data, null, 2)}\n`);
  await sharp(Buffer.from(barChartSvg(chart.title, chart.unit, chart.bars)))
    .png()
    .toFile(pngPath);
  return { jsonPath, pngPath };
}

function barChartSvg(title: string, unit: string, bars: Bar[]): string {
  const width = 760;
  const rowHeight = 34;
  const left = 260;
  const height = 70 + bars.length * rowHeight;
  const max = Math.max(...bars.map((bar) => bar.value), 1e-9);
  const rows = bars
    .map((bar, index) => {
      const y = 50 + index * rowHeight;
      const barWidth = Math.max(1, ((width - left - 120) * bar.value) / max);
      return `<text x="${left - 10}" y="${y + 18}" text-anchor="end" font-size="14">${escapeHtml(bar.label)}</text>
<rect x="${left}" y="${y + 4}" width="${barWidth}" height="20" fill="#4f46e5"/>
<text x="${left + barWidth + 8}" y="${y + 19}" font-size="13">${bar.value.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${escapeHtml(unit)}</text>`;
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
<text x="20" y="30" font-size="18" font-weight="bold">${escapeHtml(title)}</text>
${rows}
</svg>`;
}
