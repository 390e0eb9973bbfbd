/** The parts of a Lighthouse result (LHR) that bench/web reads. */
export interface LighthouseResult {
  categories: Record<string, { score: number | null } | undefined>;
  audits: Record<string, { numericValue?: number; details?: unknown } | undefined>;
}

export interface PageFigures {
  /** Gzipped JavaScript the page requested before its largest contentful paint. */
  jsBeforeLcpKiB: number;
  /** Gzipped JavaScript the page requested in all (later chunks too, e.g. loaded when idle). */
  jsTotalKiB: number;
  performance: number;
  accessibility: number;
  bestPractices: number;
  lcpMs: number;
  tbtMs: number;
  cls: number;
}

interface NetworkRequest {
  url: string;
  resourceType?: string;
  networkRequestTime?: number;
}

const score = (lhr: LighthouseResult, category: string) =>
  Math.round((lhr.categories[category]?.score ?? 0) * 100);
const numeric = (lhr: LighthouseResult, audit: string) => lhr.audits[audit]?.numericValue ?? 0;
const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/**
 * One run's figures. Scores and LCP/TBT/CLS are Lighthouse's (LCP and TBT simulated on a throttled
 * phone); JavaScript is measured from the build, since `vite preview` sends it uncompressed.
 */
export function pageFigures(lhr: LighthouseResult, gzippedBytes: (url: string) => number): PageFigures {
  const details = lhr.audits['network-requests']?.details as { items?: NetworkRequest[] } | undefined;
  const scripts = (details?.items ?? []).filter((request) => request.resourceType === 'Script');
  const observedLcp = observedLcpMs(lhr);
  const sum = (requests: NetworkRequest[]) =>
    kib(requests.reduce((total, request) => total + gzippedBytes(request.url), 0));
  return {
    jsBeforeLcpKiB: sum(scripts.filter((request) => (request.networkRequestTime ?? 0) < observedLcp)),
    jsTotalKiB: sum(scripts),
    performance: score(lhr, 'performance'),
    accessibility: score(lhr, 'accessibility'),
    bestPractices: score(lhr, 'best-practices'),
    lcpMs: Math.round(numeric(lhr, 'largest-contentful-paint')),
    tbtMs: Math.round(numeric(lhr, 'total-blocking-time')),
    cls: Math.round(numeric(lhr, 'cumulative-layout-shift') * 1000) / 1000,
  };
}

/** The LCP the unthrottled run saw, on the same clock as the network requests' times. */
function observedLcpMs(lhr: LighthouseResult): number {
  const details = lhr.audits.metrics?.details as
    | { items?: { observedLargestContentfulPaint?: number }[] }
    | undefined;
  return details?.items?.[0]?.observedLargestContentfulPaint ?? Number.POSITIVE_INFINITY;
}

/** The middle value (the lower middle for an even count), so one noisy run does not move the figure. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}
