import type { Conversion, ConversionPage } from '@relay/contracts';
import { type InfiniteData, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { session } from '../../../lib/api/api.ts';
import { conversionsCache } from '../hooks/conversions-cache.ts';
import { conversionsQueryKey } from '../hooks/conversions-query-key.ts';
import { JobThumbnail } from './job-thumbnail.tsx';

/** Stands in for the browser's observer: the test says when the box comes into view. */
class FakeObserver {
  static made: FakeObserver[] = [];
  readonly callback: IntersectionObserverCallback;
  readonly observed: Element[] = [];
  disconnected = false;
  constructor(callback: IntersectionObserverCallback) {
    this.callback = callback;
    FakeObserver.made.push(this);
  }
  observe(element: Element): void {
    this.observed.push(element);
  }
  disconnect(): void {
    this.disconnected = true;
  }
  show(): void {
    const entries = this.observed.map((target) => ({ target, isIntersecting: true }));
    this.callback(entries as unknown as IntersectionObserverEntry[], this as unknown as IntersectionObserver);
  }
}

const done: Conversion = {
  id: '6f1d1c3e-8a11-4c52-9d0e-0b9a2b446a3f',
  status: 'done',
  sourceName: 'report.docx',
  sourceFormat: 'docx',
  sourceBytes: 1234,
  target: 'pdf',
  pdfa: null,
  pdfua: false,
  pages: null,
  sources: [{ name: 'report.docx', format: 'docx', bytes: 1234 }],
  resultName: 'report.pdf',
  resultBytes: 4321,
  reason: null,
  downloadPath: '/api/conversions/6f1d1c3e-8a11-4c52-9d0e-0b9a2b446a3f/download',
  thumbnailPath: '/api/conversions/6f1d1c3e-8a11-4c52-9d0e-0b9a2b446a3f/thumbnail',
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:09.000Z',
};

const webp = () =>
  new Response(new Blob([new Uint8Array([0x52, 0x49, 0x46, 0x46])], { type: 'image/webp' }), {
    status: 200,
    headers: { 'content-type': 'image/webp' },
  });

let fetchMock: ReturnType<typeof vi.fn>;
const revoked: string[] = [];

beforeEach(() => {
  FakeObserver.made = [];
  revoked.length = 0;
  fetchMock = vi.fn(async () => webp());
  vi.stubGlobal('fetch', fetchMock);
  vi.stubGlobal('IntersectionObserver', FakeObserver);
  let made = 0;
  vi.spyOn(URL, 'createObjectURL').mockImplementation(() => {
    made += 1;
    return `blob:thumbnail-${made}`;
  });
  vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => {
    revoked.push(url);
  });
  session.signIn({ accessToken: 'token', tokenType: 'Bearer', expiresIn: 900 });
});
afterEach(() => {
  session.end();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function renderThumbnail(job: Conversion) {
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <JobThumbnail job={job} />
    </QueryClientProvider>,
  );
}

/** The box's one observer, told the box is in view. */
function scrollIntoView(): void {
  const [observer] = FakeObserver.made;
  if (observer === undefined) throw new Error('nothing observes the thumbnail box');
  act(() => observer.show());
}

describe('JobThumbnail', () => {
  it('shows the file kind icon until the box is in view, then the first page, fetched with the token', async () => {
    const { container, unmount } = renderThumbnail(done);
    expect(container.querySelector('svg[data-kind="document"]')).not.toBeNull();
    expect(screen.queryByRole('img')).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();

    scrollIntoView();
    const image = (await screen.findByRole('img', { name: 'First page of report.pdf' })) as HTMLImageElement;
    expect(image.getAttribute('src')).toBe('blob:thumbnail-1');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toMatch(new RegExp(`${done.thumbnailPath}$`));
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer token');
    // The image takes the icon's place inside the same box: nothing around it moves.
    expect(image.parentElement?.className).toBe('job__thumbnail');
    expect(container.querySelector('svg')).toBeNull();

    expect(revoked).toEqual([]);
    unmount();
    expect(revoked).toEqual(['blob:thumbnail-1']);
    expect(FakeObserver.made[0]?.disconnected).toBe(true);
  });

  it('never asks for a result that has no thumbnail, and shows its kind instead', async () => {
    const { container } = renderThumbnail({
      ...done,
      target: 'csv',
      sourceFormat: 'xlsx',
      thumbnailPath: null,
    });
    scrollIntoView();
    await act(async () => {});
    expect(fetchMock).not.toHaveBeenCalled();
    expect(screen.queryByRole('img')).toBeNull();
    expect(container.querySelector('svg[data-kind="sheet"]')).not.toBeNull();
  });

  it('keeps the icon when the image cannot be fetched', async () => {
    fetchMock.mockImplementation(async () => new Response(null, { status: 503 }));
    const { container } = renderThumbnail({ ...done, sourceFormat: 'png', target: 'webp' });
    scrollIntoView();
    await vi.waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    await act(async () => {});
    expect(screen.queryByRole('img')).toBeNull();
    expect(container.querySelector('svg[data-kind="image"]')).not.toBeNull();
  });
});

describe('a done status frame', () => {
  it("brings the job's thumbnailPath into the cached history", () => {
    const queryClient = new QueryClient();
    const queued = { ...done, status: 'queued' as const, downloadPath: null, thumbnailPath: null };
    queryClient.setQueryData<InfiniteData<ConversionPage, string | undefined>>(conversionsQueryKey, {
      pages: [{ conversions: [queued], nextCursor: null }],
      pageParams: [undefined],
    });
    conversionsCache.applyStatus(queryClient, {
      conversionId: done.id,
      ownerId: '0b9a2b44-6a3f-4c52-9d0e-6f1d1c3e8a11',
      status: 'done',
      downloadPath: done.downloadPath ?? undefined,
      thumbnailPath: done.thumbnailPath ?? undefined,
      at: '2026-11-25T10:00:09.000Z',
    });
    const data = queryClient.getQueryData<InfiniteData<ConversionPage>>(conversionsQueryKey);
    expect(data?.pages[0]?.conversions[0]).toMatchObject({
      status: 'done',
      thumbnailPath: done.thumbnailPath,
    });
  });
});
