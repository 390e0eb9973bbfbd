import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A family documents name and the installed family fontconfig must answer with: the font itself, or
 * one drawn to the same metrics, so that text keeps its line and page breaks. `package` is the Debian
 * package that brings it (infra/local/stack.sh and the Dockerfile install them all).
 */
interface RequiredFont {
  family: string;
  resolvesTo: string;
  package: string;
}

export const REQUIRED_FONTS: readonly RequiredFont[] = [
  { family: 'Calibri', resolvesTo: 'Carlito', package: 'fonts-crosextra-carlito' },
  { family: 'Cambria', resolvesTo: 'Caladea', package: 'fonts-crosextra-caladea' },
  { family: 'Arial', resolvesTo: 'Liberation Sans', package: 'fonts-liberation2' },
  { family: 'Times New Roman', resolvesTo: 'Liberation Serif', package: 'fonts-liberation2' },
  { family: 'Courier New', resolvesTo: 'Liberation Mono', package: 'fonts-liberation2' },
  // Chinese, Japanese and Korean come in one collection; without it they print as boxes.
  { family: 'Noto Sans CJK SC', resolvesTo: 'Noto Sans CJK SC', package: 'fonts-noto-cjk' },
  { family: 'Noto Color Emoji', resolvesTo: 'Noto Color Emoji', package: 'fonts-noto-color-emoji' },
  // Outline emoji, the ones LibreOffice 7.4 can print: it prints color bitmap emoji as nothing in a PDF.
  { family: 'Symbola', resolvesTo: 'Symbola', package: 'fonts-symbola' },
  // Two of the other scripts fonts-noto-core covers (Hebrew, Thai, … come with them).
  { family: 'Noto Sans Arabic', resolvesTo: 'Noto Sans Arabic', package: 'fonts-noto-core' },
  { family: 'Noto Sans Devanagari', resolvesTo: 'Noto Sans Devanagari', package: 'fonts-noto-core' },
];

/** The families fontconfig gives for a requested one, best match first (its names, in every language). */
export type FontMatcher = (family: string) => Promise<string[]>;

/** fontconfig's own answer, the one LibreOffice and Chromium get when they ask for `family`. */
const fcMatch: FontMatcher = async (family) => {
  try {
    const { stdout } = await run('fc-match', ['--format=%{family}', family], { timeout: 10_000 });
    return stdout.split(',').map((name) => name.trim());
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('fc-match is missing (Debian package fontconfig)', { cause: error });
    }
    throw error;
  }
};

interface MissingFont extends RequiredFont {
  /** What a document asking for `family` gets instead. */
  fallback: string;
}

export interface FontReport {
  missing: MissingFont[];
  /** Empty when every family resolves as it must; otherwise one sentence naming each missing family. */
  problem: string;
}

export async function checkFonts(match: FontMatcher = fcMatch): Promise<FontReport> {
  const missing: MissingFont[] = [];
  for (const font of REQUIRED_FONTS) {
    const families = await match(font.family);
    const wanted = font.resolvesTo.toLowerCase();
    if (!families.some((name) => name.toLowerCase() === wanted)) {
      missing.push({ ...font, fallback: families[0] ?? 'nothing' });
    }
  }
  const packages = [...new Set(missing.map((font) => font.package))];
  const problem =
    missing.length === 0
      ? ''
      : `fonts missing: ${missing
          .map((font) => `${font.family} (wants ${font.resolvesTo}, gets ${font.fallback})`)
          .join(', ')}; install ${packages.join(' ')} and restart`;
  return { missing, problem };
}

/**
 * The worker's readiness check on fonts. Fonts do not change under a running worker (LibreOffice reads
 * them once per instance), so fontconfig is asked once, at start, and every /readyz answers from that.
 */
export async function fontsReadiness(
  match: FontMatcher = fcMatch,
): Promise<{ report: FontReport; check: () => Promise<void> }> {
  const report = await checkFonts(match).catch(
    (error: unknown): FontReport => ({
      missing: [],
      problem: `fonts cannot be checked: ${error instanceof Error ? error.message : String(error)}`,
    }),
  );
  return {
    report,
    check: async () => {
      if (report.problem !== '') throw new Error(report.problem);
    },
  };
}
