import {
  CONVERSION_TARGETS,
  type Conversion,
  type ConversionFormats,
  type ConversionStatusChanged,
  type SourceFormat,
} from '@relay/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { session } from '../../../lib/api/api.ts';
import { ConversionsPage } from './conversions-page.tsx';

const formats: ConversionFormats = {
  formats: Object.entries(CONVERSION_TARGETS).map(([source, targets]) => ({
    source: source as SourceFormat,
    targets: [...targets],
  })),
  maxUploadBytes: 50 * 1024 * 1024,
};

const queued: Conversion = {
  id: '6f1d1c3e-8a11-4c52-9d0e-0b9a2b446a3f',
  status: 'queued',
  sourceName: 'report.docx',
  sourceFormat: 'docx',
  sourceBytes: 1234,
  target: 'pdf',
  pdfa: false,
  resultName: 'report.pdf',
  resultBytes: null,
  reason: null,
  downloadPath: null,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:00.000Z',
};

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/** The gateway's formats and a one-job history. */
function fakeGateway(jobs: Conversion[]) {
  return vi.fn(async (url: string) =>
    url.includes('/api/conversions/formats') ? json(formats) : json({ conversions: jobs, nextCursor: null }),
  );
}

/** Stands in for the browser's WebSocket; the test plays the gateway's frames into the last one opened. */
class FakeSocket extends EventTarget {
  static readonly OPEN = 1;
  static last: FakeSocket | undefined;
  readonly readyState = FakeSocket.OPEN;
  readonly url: string;
  readonly protocols: string[];
  constructor(url: string, protocols: string[]) {
    super();
    this.url = url;
    this.protocols = protocols;
    FakeSocket.last = this;
  }
  send(): void {}
  close(): void {}
  receive(frame: unknown): void {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(frame) }));
  }
}

function statusFrame(change: Partial<ConversionStatusChanged>) {
  return {
    type: 'conversion.status',
    status: {
      conversionId: queued.id,
      ownerId: '0b9a2b44-6a3f-4c52-9d0e-6f1d1c3e8a11',
      status: 'converting',
      at: '2026-11-25T10:00:05.000Z',
      ...change,
    },
  };
}

function renderPage() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ConversionsPage />
    </QueryClientProvider>,
  );
  return userEvent.setup();
}

async function socketOpened(): Promise<FakeSocket> {
  await vi.waitFor(() => expect(FakeSocket.last).toBeDefined());
  return FakeSocket.last as FakeSocket;
}

beforeEach(() => {
  FakeSocket.last = undefined;
  vi.stubGlobal('WebSocket', FakeSocket);
  session.signIn({ accessToken: 'token', tokenType: 'Bearer', expiresIn: 900 });
});
afterEach(() => {
  session.end();
  vi.unstubAllGlobals();
});

describe('ConversionsPage', () => {
  it('offers each picked file only the targets its format converts to, and PDF/A only for PDF', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const user = renderPage();

    await user.upload(await screen.findByLabelText('Files'), [
      new File(['x'], 'Letter.DOCX'),
      new File(['x'], 'budget.xlsx'),
      new File(['x'], 'photo.jpg'),
    ]);

    const options = (label: string) =>
      within(screen.getByLabelText(label))
        .getAllByRole('option')
        .map((option) => option.textContent);
    expect(options('Convert Letter.DOCX to')).toEqual(['PDF', 'ODT']);
    expect(options('Convert budget.xlsx to')).toEqual(['PDF', 'ODS', 'CSV']);
    expect(options('Convert photo.jpg to')).toEqual(['PDF', 'PNG', 'WEBP', 'AVIF']);
    expect(screen.getAllByLabelText('PDF/A (for archiving)')).toHaveLength(3);

    await user.selectOptions(screen.getByLabelText('Convert budget.xlsx to'), 'csv');
    expect(screen.getAllByLabelText('PDF/A (for archiving)')).toHaveLength(2);
  });

  it('says a file of an unknown kind cannot be converted and offers it no target', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const user = renderPage();

    await user.upload(await screen.findByLabelText('Files'), [new File(['x'], 'archive.zip')]);

    expect(screen.getByRole('alert').textContent).toBe('Relay cannot convert this kind of file.');
    expect(screen.queryByLabelText('Convert archive.zip to')).toBeNull();
    expect(screen.getByRole('button', { name: 'Convert' })).toHaveProperty('disabled', true);
  });

  it("moves a job's row through its statuses as the socket's frames arrive, with download once done", async () => {
    vi.stubGlobal('fetch', fakeGateway([queued]));
    renderPage();
    const row = await screen.findByRole('listitem', { name: 'report.docx' });
    expect(within(row).getByText('Queued')).toBeDefined();
    const socket = await socketOpened();
    expect(socket.protocols).toEqual(['relay.v1', 'relay.token.token']);

    act(() => socket.receive(statusFrame({ status: 'converting' })));
    expect(await within(row).findByText('Converting')).toBeDefined();
    expect(within(row).queryByRole('button', { name: /Download/ })).toBeNull();

    act(() =>
      socket.receive(
        statusFrame({
          status: 'done',
          downloadPath: `/api/conversions/${queued.id}/download`,
          at: '2026-11-25T10:00:09.000Z',
        }),
      ),
    );
    expect(await within(row).findByText('Done')).toBeDefined();
    expect(within(row).getByRole('button', { name: 'Download report.pdf' })).toBeDefined();
  });

  it('ignores a frame older than what the row already shows', async () => {
    vi.stubGlobal(
      'fetch',
      fakeGateway([{ ...queued, status: 'converting', updatedAt: '2026-11-25T10:00:05.000Z' }]),
    );
    renderPage();
    const row = await screen.findByRole('listitem', { name: 'report.docx' });
    const socket = await socketOpened();

    act(() => socket.receive(statusFrame({ status: 'queued', at: '2026-11-25T10:00:00.000Z' })));
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(within(row).getByText('Converting')).toBeDefined();
    expect(within(row).queryByText('Queued')).toBeNull();
  });

  it('shows the readable reason of a failed job', async () => {
    vi.stubGlobal('fetch', fakeGateway([queued]));
    renderPage();
    const row = await screen.findByRole('listitem', { name: 'report.docx' });
    const socket = await socketOpened();

    const reason = 'The file is password-protected. Remove the password and upload it again.';
    act(() => socket.receive(statusFrame({ status: 'failed', reason })));

    expect(await within(row).findByText('Failed')).toBeDefined();
    expect(within(row).getByText(reason)).toBeDefined();
    expect(within(row).queryByRole('button', { name: /Download/ })).toBeNull();
  });

  it('keeps a status a frame brought when a refetch answers with an older one', async () => {
    // The server's history lags behind the frame: every fetch still says converting.
    const fetch = fakeGateway([{ ...queued, status: 'converting', updatedAt: '2026-11-25T10:00:05.000Z' }]);
    vi.stubGlobal('fetch', fetch);
    renderPage();
    const row = await screen.findByRole('listitem', { name: 'report.docx' });
    const socket = await socketOpened();
    const reason = 'The file is password-protected. Remove the password and upload it again.';
    act(() => socket.receive(statusFrame({ status: 'failed', reason, at: '2026-11-25T10:00:06.000Z' })));
    expect(await within(row).findByText('Failed')).toBeDefined();

    // A (re)opened socket re-reads the history; that answer is older than the frame.
    const fetchesBefore = fetch.mock.calls.length;
    act(() => {
      socket.dispatchEvent(new Event('open'));
    });
    await vi.waitFor(() => expect(fetch.mock.calls.length).toBeGreaterThan(fetchesBefore));
    await new Promise((resolve) => setTimeout(resolve, 50));

    const rowNow = screen.getByRole('listitem', { name: 'report.docx' });
    expect(within(rowNow).getByText('Failed')).toBeDefined();
    expect(within(rowNow).getByText(reason)).toBeDefined();
  });

  it('says so when there are no conversions yet', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    renderPage();
    expect(await screen.findByRole('heading', { name: 'No conversions yet' })).toBeDefined();
  });
});
