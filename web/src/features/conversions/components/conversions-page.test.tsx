import {
  CONVERSION_TARGETS,
  type Conversion,
  type ConversionFormats,
  type ConversionStatusChanged,
  type ServerFrame,
  type SourceFormat,
} from '@relay/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { session } from '../../../lib/api/api.ts';
import { chatSocket } from '../../chats/api/chat-socket.ts';
import { conversionsApi } from '../api/conversions-api.ts';
import { ConversionsPage } from './conversions-page.tsx';

/** Stands in for the browser's WebSocket under the app's one ChatClient; the test plays the gateway. */
const { FakeSocket } = vi.hoisted(() => {
  class FakeSocket {
    static opened: FakeSocket[] = [];
    readonly OPEN = 1;
    readyState = 0;
    onopen: (() => void) | null = null;
    onmessage: ((event: { data: string }) => void) | null = null;
    onclose: (() => void) | null = null;
    onerror: (() => void) | null = null;
    readonly url: string;
    readonly protocols: string[];
    constructor(url: string, protocols: string[]) {
      this.url = url;
      this.protocols = protocols;
      FakeSocket.opened.push(this);
    }
    send(): void {}
    close(): void {
      this.readyState = 3;
    }
    open(): void {
      this.readyState = 1;
      this.onopen?.();
    }
    receive(frame: unknown): void {
      this.onmessage?.({ data: JSON.stringify(frame) });
    }
    drop(): void {
      this.readyState = 3;
      this.onclose?.();
    }
  }
  return { FakeSocket };
});

// The real ChatClient, as the app builds it, over the fake socket.
vi.mock('../../chats/api/chat-socket.ts', async () => {
  const { ChatClient } = await import('@relay/chat-client');
  const api = await import('../../../lib/api/api.ts');
  return {
    chatSocket: new ChatClient({
      urls: ['ws://gateway.test/ws'],
      getToken: () => api.session.freshAccessToken(),
      minReconnectMs: 1,
      maxReconnectMs: 1,
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    }),
  };
});

/** Any WebSocket the page made itself, beside the app's one. */
class SecondSocket {
  constructor() {
    throw new Error('the conversions page opened a WebSocket of its own');
  }
}

const MEGABYTE = 1024 * 1024;
const formats: ConversionFormats = {
  formats: Object.entries(CONVERSION_TARGETS).map(([source, targets]) => ({
    source: source as SourceFormat,
    targets: [...targets],
  })),
  maxUploadBytes: 50 * MEGABYTE,
};
const KINDS = formats.formats.map((format) => format.source.toUpperCase()).join(', ');

const queued: Conversion = {
  id: '6f1d1c3e-8a11-4c52-9d0e-0b9a2b446a3f',
  status: 'queued',
  sourceName: 'report.docx',
  sourceFormat: 'docx',
  sourceBytes: 1234,
  target: 'pdf',
  pdfa: null,
  pdfua: false,
  pages: null,
  sources: [{ name: 'report.docx', format: 'docx', bytes: 1234 }],
  resultName: 'report.pdf',
  resultBytes: null,
  reason: null,
  downloadPath: null,
  thumbnailPath: null,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:00.000Z',
};

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/** The gateway's formats and a job history. */
function fakeGateway(jobs: Conversion[]) {
  return vi.fn(async (url: string) =>
    url.includes('/api/conversions/formats') ? json(formats) : json({ conversions: jobs, nextCursor: null }),
  );
}

function statusFrame(change: Partial<ConversionStatusChanged>): ServerFrame {
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

/** A file of `bytes` bytes, without holding them. */
function fileOf(name: string, bytes: number): File {
  const file = new File(['x'], name);
  Object.defineProperty(file, 'size', { value: bytes });
  return file;
}

function renderPage() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ConversionsPage />
    </QueryClientProvider>,
  );
  return userEvent.setup();
}

/** The `index`-th socket the app's client made, opened. */
async function socketOpened(index = 0): Promise<InstanceType<typeof FakeSocket>> {
  await vi.waitFor(() => expect(FakeSocket.opened[index]).toBeDefined());
  const socket = FakeSocket.opened[index] as InstanceType<typeof FakeSocket>;
  act(() => socket.open());
  return socket;
}

/** The text an element's aria-describedby points at. */
function descriptionOf(element: HTMLElement): string | null | undefined {
  const id = element.getAttribute('aria-describedby');
  return id === null ? null : document.getElementById(id)?.textContent;
}

beforeEach(() => {
  FakeSocket.opened = [];
  vi.stubGlobal('WebSocket', SecondSocket);
  session.signIn({ accessToken: 'token', tokenType: 'Bearer', expiresIn: 900 });
});
afterEach(() => {
  chatSocket.stop();
  session.end();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
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

  it('shows each picked file on one row with its name once', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const user = renderPage();

    await user.upload(await screen.findByLabelText('Files'), [
      new File(['x'], 'Letter.DOCX'),
      new File(['x'], 'budget.xlsx'),
    ]);

    const rows = within(screen.getByRole('list', { name: 'Files to convert' })).getAllByRole('listitem');
    expect(rows.map((row) => row.getAttribute('aria-label'))).toEqual(['Letter.DOCX', 'budget.xlsx']);
    for (const row of rows) {
      const name = row.getAttribute('aria-label') as string;
      // Shown once; the target's label says it only to screen readers.
      expect(within(row).getAllByText(name)).toHaveLength(1);
      const hiddenLabel = within(row).getByText(`Convert ${name}`, { exact: false });
      expect(hiddenLabel.className).toBe('visually-hidden');
    }
  });

  it('marks a file of a kind Relay does not read with why and what to do, and cannot convert it', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const user = renderPage();

    await user.upload(await screen.findByLabelText('Files'), [new File(['x'], 'archive.zip')]);

    const row = screen.getByRole('listitem', { name: 'archive.zip' });
    const problem = `Relay cannot convert .zip files. Save it in a format Relay reads (${KINDS}), then add it again.`;
    expect(within(row).getByRole('alert').textContent).toBe(problem);
    expect(descriptionOf(row)).toBe(problem);
    expect(screen.queryByLabelText('Convert archive.zip to')).toBeNull();
    const convert = screen.getByRole('button', { name: 'Convert' });
    expect(convert).toHaveProperty('disabled', true);
    expect(descriptionOf(convert)).toBe('This file cannot be converted: remove it, or add others.');
  });

  it('says a file without an extension cannot be told apart', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const user = renderPage();

    await user.upload(await screen.findByLabelText('Files'), [new File(['x'], 'README')]);

    expect(within(screen.getByRole('listitem', { name: 'README' })).getByRole('alert').textContent).toBe(
      `Relay cannot tell what kind of file this is: its name has no extension. Save it in a format Relay reads (${KINDS}), then add it again.`,
    );
    expect(screen.getByRole('button', { name: 'Convert' })).toHaveProperty('disabled', true);
  });

  it('leaves a file over the size limit out of the upload, saying so, and sends the rest', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const upload = vi.spyOn(conversionsApi, 'upload').mockResolvedValue(queued);
    const user = renderPage();

    await user.upload(await screen.findByLabelText('Files'), [
      new File(['x'], 'report.docx'),
      fileOf('slides.pptx', 62 * MEGABYTE),
    ]);

    const large = screen.getByRole('listitem', { name: 'slides.pptx' });
    expect(within(large).getByRole('alert').textContent).toBe(
      'This file is 62 MB; Relay converts files up to 50 MB. Make it smaller (compress its pictures or split it), then add it again.',
    );
    expect(screen.queryByLabelText('Convert slides.pptx to')).toBeNull();
    const convert = screen.getByRole('button', { name: 'Convert' });
    expect(descriptionOf(convert)).toBe('1 file cannot be converted and is left out.');

    await user.click(convert);

    expect(upload).toHaveBeenCalledTimes(1);
    expect(upload.mock.calls[0]?.[0]).toMatchObject({ target: 'pdf', pdfa: false });
    expect(upload.mock.calls[0]?.[0].file.name).toBe('report.docx');
    // Accepted, it leaves the picked files for the history; the large one stays, marked.
    const picked = screen.getByRole('list', { name: 'Files to convert' });
    await vi.waitFor(() =>
      expect(within(picked).queryByRole('listitem', { name: 'report.docx' })).toBeNull(),
    );
    expect(await screen.findByRole('listitem', { name: 'report.docx' })).toBeDefined();
    expect(within(picked).getByRole('listitem', { name: 'slides.pptx' })).toBeDefined();
    expect(screen.getByRole('button', { name: 'Convert' })).toHaveProperty('disabled', true);
  });

  it('marks an empty file', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const user = renderPage();

    await user.upload(await screen.findByLabelText('Files'), [new File([], 'blank.txt')]);

    expect(within(screen.getByRole('listitem', { name: 'blank.txt' })).getByRole('alert').textContent).toBe(
      'This file is empty. Add the file again once it has content.',
    );
    expect(screen.getByRole('button', { name: 'Convert' })).toHaveProperty('disabled', true);
  });

  it("moves a job's row through its statuses as the app's one socket hears them, with download once done", async () => {
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
    expect(FakeSocket.opened).toHaveLength(1);
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

  it('says live status is interrupted while the socket is down, and re-reads the history once it is back', async () => {
    const fetch = fakeGateway([queued]);
    vi.stubGlobal('fetch', fetch);
    renderPage();
    await screen.findByRole('listitem', { name: 'report.docx' });
    const socket = await socketOpened();
    const historyReads = () =>
      fetch.mock.calls.filter(([url]) => !url.includes('/api/conversions/formats')).length;
    await vi.waitFor(() => expect(historyReads()).toBe(2));
    expect(screen.queryByText(/Reconnecting/)).toBeNull();

    act(() => socket.drop());
    expect(await screen.findByText('Reconnecting… Statuses update again once connected.')).toBeDefined();
    expect(historyReads()).toBe(2);

    // Frames sent while it was down are not replayed: the history is read again instead.
    await socketOpened(1);
    await vi.waitFor(() => expect(historyReads()).toBe(3));
    expect(screen.queryByText(/Reconnecting/)).toBeNull();
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

    // A reopened socket re-reads the history; that answer is older than the frame.
    const fetchesBefore = fetch.mock.calls.length;
    act(() => socket.drop());
    await socketOpened(1);
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
