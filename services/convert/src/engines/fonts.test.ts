import { describe, expect, it } from 'vitest';
import { checkFonts, type FontMatcher, fontsReadiness } from './fonts.ts';

/** fontconfig on a machine with every font: each metric alias answers with its stand-in. */
const ALIASES: Record<string, string> = {
  Calibri: 'Carlito',
  Cambria: 'Caladea',
  Arial: 'Liberation Sans',
  'Times New Roman': 'Liberation Serif',
  'Courier New': 'Liberation Mono',
};
const complete: FontMatcher = async (family) => [ALIASES[family] ?? family];
/** fontconfig on a machine with only DejaVu: everything falls back to it. */
const dejavuOnly: FontMatcher = async () => ['DejaVu Sans'];

describe('fonts check', () => {
  it('finds nothing missing when every family resolves to itself or its metric-compatible stand-in', async () => {
    expect(await checkFonts(complete)).toEqual({ missing: [], problem: '' });
  });

  it('accepts the wanted family among the names fontconfig lists, in any case', async () => {
    const report = await checkFonts(async (family) =>
      family === 'Calibri' ? ['Carlito Regular', 'carlito'] : complete(family),
    );
    expect(report.missing).toEqual([]);
  });

  it('names each missing family, what it falls back to and the package that brings it', async () => {
    const report = await checkFonts(async (family) =>
      family === 'Cambria' || family.startsWith('Noto Sans CJK') ? ['DejaVu Serif'] : complete(family),
    );
    expect(report.missing.map((font) => font.family)).toEqual(['Cambria', 'Noto Sans CJK SC']);
    expect(report.problem).toBe(
      'fonts missing: Cambria (wants Caladea, gets DejaVu Serif), Noto Sans CJK SC (wants Noto Sans CJK SC, gets DejaVu Serif); install fonts-crosextra-caladea fonts-noto-cjk and restart',
    );
  });

  it('lists each package once on a machine with only DejaVu', async () => {
    const report = await checkFonts(dejavuOnly);
    expect(report.missing).toHaveLength(10);
    expect(report.problem).toMatch(
      /; install fonts-crosextra-carlito fonts-crosextra-caladea fonts-liberation2 fonts-noto-cjk fonts-noto-color-emoji fonts-symbola fonts-noto-core and restart$/,
    );
  });

  it('asks fontconfig once: every readiness check answers from the first report', async () => {
    let asked = 0;
    const readiness = await fontsReadiness(async (family) => {
      asked += 1;
      return dejavuOnly(family);
    });
    await expect(readiness.check()).rejects.toThrow(
      /^fonts missing: Calibri \(wants Carlito, gets DejaVu Sans\)/,
    );
    await expect(readiness.check()).rejects.toThrow(/fonts missing/);
    expect(asked).toBe(10);
  });

  it('is not ready when fontconfig cannot be asked, saying why', async () => {
    const readiness = await fontsReadiness(async () => {
      throw new Error('fc-match is missing (Debian package fontconfig)');
    });
    expect(readiness.report.problem).toBe(
      'fonts cannot be checked: fc-match is missing (Debian package fontconfig)',
    );
    await expect(readiness.check()).rejects.toThrow(/fc-match is missing/);
  });

  it('passes on a complete machine', async () => {
    await expect((await fontsReadiness(complete)).check()).resolves.toBeUndefined();
  });
});
