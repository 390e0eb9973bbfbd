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
import { api, session } from '../../../lib/api/api.ts';
import { ApiError } from '../../../lib/api/api-error.ts';
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
  maxMergeFiles: 3,
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

const pickedRow = (name: string) =>
  within(screen.getByRole('list', { name: 'Files to convert' })).getByRole('listitem', { name });

/** The options disclosures of the picked files, by the text their summary reads. */
const optionsSummaries = () =>
  [...document.querySelectorAll('.pending-file summary')].map((summary) => summary.textContent);

/** Opens a picked file's (or the combined PDF's) options, as a click on its summary does. */
async function openOptions(user: ReturnType<typeof userEvent.setup>, within: HTMLElement): Promise<void> {
  const summary = within.querySelector('summary');
  if (summary === null) throw new Error('no options here');
  await user.click(summary);
}

/**
 * Plays the gateway's answer to each upload (`answer` sees the names of the files sent) and keeps
 * the multipart body conversionsApi.upload built, as [name, value] pairs (a file as `file:<name>`).
 */
function interceptUploads(answer: (files: string[]) => Promise<Conversion>) {
  const request = api.request.bind(api);
  const sent: [string, string][][] = [];
  vi.spyOn(api, 'request').mockImplementation(((
    path: string,
    options?: { method?: string; body?: unknown },
  ) => {
    if (path !== '/api/conversions' || options?.method !== 'POST' || !(options.body instanceof FormData))
      return request(path, options as never);
    const fields = [...options.body.entries()].map(([name, value]): [string, string] => [
      name,
      value instanceof File ? `file:${value.name}` : value,
    ]);
    sent.push(fields);
    return answer(fields.filter(([name]) => name === 'file').map(([, value]) => value.slice(5)));
  }) as typeof api.request);
  return sent;
}

const jobOf = (name: string): Conversion => ({
  ...queued,
  id: crypto.randomUUID(),
  sourceName: name,
  sources: [{ name, format: 'docx', bytes: 1 }],
});

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
  it('offers each picked file only the targets its format converts to, and options only for PDF', async () => {
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
    expect(optionsSummaries()).toEqual([
      'Options for Letter.DOCX',
      'Options for budget.xlsx',
      'Options for photo.jpg',
    ]);

    await user.selectOptions(screen.getByLabelText('Convert budget.xlsx to'), 'csv');
    expect(optionsSummaries()).toEqual(['Options for Letter.DOCX', 'Options for photo.jpg']);
    expect(within(pickedRow('budget.xlsx')).queryByLabelText('Pages')).toBeNull();
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
    expect(upload.mock.calls[0]?.[0]).toMatchObject({ target: 'pdf', pdfa: undefined, pdfua: false });
    expect(upload.mock.calls[0]?.[0].files.map((file) => file.name)).toEqual(['report.docx']);
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

describe('ConversionsPage options', () => {
  it('offers PDF/A and tagged PDF only for office documents, pages for all but images, a password for protectable kinds', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const user = renderPage();
    await user.upload(await screen.findByLabelText('Files'), [
      new File(['x'], 'Letter.docx'),
      new File(['x'], 'page.html'),
      new File(['x'], 'notes.md'),
      new File(['x'], 'photo.jpg'),
    ]);

    const letter = pickedRow('Letter.docx');
    await openOptions(user, letter);
    const pdfa = within(letter).getByLabelText('PDF/A (for archiving)');
    expect(pdfa).toHaveProperty('disabled', false);
    expect(
      within(pdfa)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['None', 'PDF/A-1b', 'PDF/A-2b', 'PDF/A-3b']);
    expect(within(letter).getByLabelText('Tagged PDF (PDF/UA)')).toHaveProperty('disabled', false);
    expect(descriptionOf(within(letter).getByLabelText('Pages'))).toBe('e.g. 1-3, 5');
    const password = within(letter).getByLabelText('Password');
    expect(password.getAttribute('type')).toBe('password');
    expect(password.getAttribute('autocomplete')).toBe('off');
    expect(descriptionOf(password)).toBe('Only needed if the file is protected. It is never stored.');

    for (const name of ['page.html', 'notes.md']) {
      const row = pickedRow(name);
      for (const label of ['PDF/A (for archiving)', 'Tagged PDF (PDF/UA)']) {
        const control = within(row).getByLabelText(label);
        expect(control, `${label} of ${name}`).toHaveProperty('disabled', true);
        expect(descriptionOf(control)).toBe(
          'HTML and Markdown print to a plain PDF: PDF/A and tagged PDF are for office documents.',
        );
      }
      expect(within(row).getByLabelText('Pages')).toBeDefined();
      expect(within(row).queryByLabelText('Password')).toBeNull();
    }
    const photo = pickedRow('photo.jpg');
    expect(descriptionOf(within(photo).getByLabelText('PDF/A (for archiving)'))).toBe(
      'An image becomes a plain PDF: PDF/A and tagged PDF are for office documents.',
    );
    expect(within(photo).getByLabelText('Tagged PDF (PDF/UA)')).toHaveProperty('disabled', true);
    expect(within(photo).queryByLabelText('Pages')).toBeNull();
    expect(within(photo).queryByLabelText('Password')).toBeNull();
  });

  it('sends the chosen pages, PDF/A level, PDF/UA and password as fields before the file, and nothing unasked', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const sent = interceptUploads(async ([name]) => jobOf(name ?? ''));
    const user = renderPage();
    await user.upload(await screen.findByLabelText('Files'), [
      new File(['x'], 'Letter.docx'),
      new File(['x'], 'page.html'),
      new File(['x'], 'memo.odt'),
    ]);
    const letter = pickedRow('Letter.docx');
    await openOptions(user, letter);
    await user.type(within(letter).getByLabelText('Pages'), ' 2-3, 5');
    await user.selectOptions(within(letter).getByLabelText('PDF/A (for archiving)'), 'PDF/A-2b');
    await user.click(within(letter).getByLabelText('Tagged PDF (PDF/UA)'));
    await user.type(within(letter).getByLabelText('Password'), 'open sesame');
    expect(letter.querySelector('summary')?.textContent).toBe(
      'Options for Letter.docxPDF/A-2b · tagged · pages 2-3, 5 · password',
    );
    await user.selectOptions(screen.getByLabelText('Convert memo.odt to'), 'docx');

    await user.click(screen.getByRole('button', { name: 'Convert' }));

    await vi.waitFor(() => expect(sent).toHaveLength(3));
    expect(sent).toEqual([
      [
        ['target', 'pdf'],
        ['pages', '2-3, 5'],
        ['pdfa', '2b'],
        ['pdfua', 'true'],
        ['password', 'open sesame'],
        ['file', 'file:Letter.docx'],
      ],
      [
        ['target', 'pdf'],
        ['file', 'file:page.html'],
      ],
      [
        ['target', 'docx'],
        ['file', 'file:memo.odt'],
      ],
    ]);
  });

  it('checks pages before uploading: a wrong value is said beside the field, focused, and that file stays', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const sent = interceptUploads(async ([name]) => jobOf(name ?? ''));
    const user = renderPage();
    await user.upload(await screen.findByLabelText('Files'), [
      new File(['x'], 'Letter.docx'),
      new File(['x'], 'budget.xlsx'),
    ]);
    const letter = pickedRow('Letter.docx');
    await openOptions(user, letter);
    const pages = within(letter).getByLabelText('Pages');
    await user.type(pages, '5-3');
    // Not while typing: once the field is left.
    expect(pages.getAttribute('aria-invalid')).toBeNull();
    await user.tab();
    expect(pages.getAttribute('aria-invalid')).toBe('true');
    const describedBy = pages.getAttribute('aria-describedby')?.split(' ') ?? [];
    expect(describedBy.map((id) => document.getElementById(id)?.textContent)).toEqual([
      'e.g. 1-3, 5',
      'The range 5-3 ends before it starts: write it as 3-5.',
    ]);
    // Closed again: Convert opens it and puts focus on the wrong field.
    await openOptions(user, letter);
    expect(letter.querySelector('details')?.open).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Convert' }));

    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toContainEqual(['file', 'file:budget.xlsx']);
    expect(letter.querySelector('details')?.open).toBe(true);
    expect(document.activeElement).toBe(pages);
    await user.clear(pages);
    await user.type(pages, '1');
    await user.click(screen.getByRole('button', { name: 'Convert' }));
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toEqual([
      ['target', 'pdf'],
      ['pages', '1'],
      ['file', 'file:Letter.docx'],
    ]);
  });

  it('combines the files into one PDF in the order set with the keyboard, as one upload with one progress', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    let answer: (job: Conversion) => void = () => {};
    const sent = interceptUploads(() => new Promise((resolve) => (answer = resolve)));
    const user = renderPage();
    await user.upload(await screen.findByLabelText('Files'), [
      new File(['x'], 'a.docx'),
      new File(['x'], 'b.xlsx'),
      new File(['x'], 'c.pptx'),
    ]);
    expect(screen.queryByRole('button', { name: 'Move c.pptx up' })).toBeNull();

    await user.click(screen.getByLabelText('Combine into one PDF'));

    // Each file's own options give way to the combined PDF's.
    expect(optionsSummaries()).toEqual([]);
    const up = screen.getByRole('button', { name: 'Move c.pptx up' });
    up.focus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('status').textContent).toBe('c.pptx is now 2 of 3.');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move c.pptx up' }));
    await user.keyboard('{Enter}');
    // At the top, up is disabled: focus stays on the row, on its other button.
    expect(screen.getByRole('button', { name: 'Move c.pptx up' })).toHaveProperty('disabled', true);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move c.pptx down' }));
    await user.click(screen.getByRole('button', { name: 'Move a.docx down' }));
    const picked = within(screen.getByRole('list', { name: 'Files to convert' }));
    expect(picked.getAllByRole('listitem').map((row) => row.getAttribute('aria-label'))).toEqual([
      'c.pptx',
      'b.xlsx',
      'a.docx',
    ]);
    const combined = screen.getByLabelText('Combine into one PDF').closest('.combine') as HTMLElement;
    await openOptions(user, combined);
    await user.type(within(combined).getByLabelText('Pages'), '1-2');
    await user.type(within(combined).getByLabelText('Password'), 'shared');

    await user.click(screen.getByRole('button', { name: 'Convert' }));

    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual([
      ['target', 'pdf'],
      ['pages', '1-2'],
      ['password', 'shared'],
      ['merge', 'true'],
      ['file', 'file:c.pptx'],
      ['file', 'file:b.xlsx'],
      ['file', 'file:a.docx'],
    ]);
    expect(screen.getAllByRole('progressbar').map((bar) => bar.getAttribute('aria-label'))).toEqual([
      'Uploading 3 files to combine',
    ]);
    act(() =>
      answer({
        ...jobOf('c.pptx'),
        sources: ['c.pptx', 'b.xlsx', 'a.docx'].map((name) => ({ name, format: 'docx', bytes: 1 })),
      }),
    );
    await vi.waitFor(() => expect(screen.queryByRole('list', { name: 'Files to convert' })).toBeNull());
    expect(await screen.findByRole('listitem', { name: 'c.pptx' })).toBeDefined();
  });

  it('cannot combine while a file asks for PDF/A or PDF/UA, or converts to another format, and says why', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const user = renderPage();
    await user.upload(await screen.findByLabelText('Files'), [
      new File(['x'], 'a.docx'),
      new File(['x'], 'b.docx'),
    ]);
    const combine = screen.getByLabelText('Combine into one PDF');
    expect(combine).toHaveProperty('disabled', false);
    expect(descriptionOf(combine)).toBe('Join the 2 files into one PDF, in the order listed.');

    await openOptions(user, pickedRow('b.docx'));
    await user.selectOptions(within(pickedRow('b.docx')).getByLabelText('PDF/A (for archiving)'), '3b');
    expect(combine).toHaveProperty('disabled', true);
    expect(descriptionOf(combine)).toBe(
      'PDF/A and tagged PDF do not survive joining: turn them off in each file’s options to combine.',
    );
    await user.selectOptions(within(pickedRow('b.docx')).getByLabelText('PDF/A (for archiving)'), 'None');
    await user.click(within(pickedRow('a.docx')).getByLabelText('Tagged PDF (PDF/UA)'));
    expect(combine).toHaveProperty('disabled', true);
    await user.click(within(pickedRow('a.docx')).getByLabelText('Tagged PDF (PDF/UA)'));
    expect(combine).toHaveProperty('disabled', false);

    await user.selectOptions(screen.getByLabelText('Convert a.docx to'), 'odt');
    expect(combine).toHaveProperty('disabled', true);
    expect(descriptionOf(combine)).toBe('To combine them, convert every file to PDF.');
    await user.selectOptions(screen.getByLabelText('Convert a.docx to'), 'pdf');
    expect(combine).toHaveProperty('disabled', false);

    // More files than one merge joins (3 in this page's formats).
    await user.upload(screen.getByLabelText('Files'), [new File(['x'], 'c.docx'), new File(['x'], 'd.docx')]);
    expect(combine).toHaveProperty('disabled', true);
    expect(descriptionOf(combine)).toBe('Relay combines up to 3 files into one PDF; remove 1 to combine.');
  });

  it('says the combined size over the limit before sending, and the server’s detail of a refused merge', async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const detail = 'At most 20 files can be merged into one PDF.';
    interceptUploads(async () => {
      throw new ApiError(400, 'too_many_files', detail);
    });
    const user = renderPage();
    await user.upload(await screen.findByLabelText('Files'), [
      fileOf('a.docx', 30 * MEGABYTE),
      fileOf('b.docx', 30 * MEGABYTE),
    ]);
    const combine = screen.getByLabelText('Combine into one PDF');
    expect(combine).toHaveProperty('disabled', true);
    expect(descriptionOf(combine)).toBe('Together these files are 60 MB; Relay combines up to 50 MB.');
    await user.click(screen.getByRole('button', { name: 'Remove b.docx' }));
    await user.upload(screen.getByLabelText('Files'), [new File(['x'], 'c.docx')]);
    await user.click(screen.getByLabelText('Combine into one PDF'));

    await user.click(screen.getByRole('button', { name: 'Convert' }));

    expect((await screen.findByRole('alert')).textContent).toBe(detail);
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it("shows the gateway's detail of a refused upload on its row, and a Retry that waits out too many pending", async () => {
    vi.stubGlobal('fetch', fakeGateway([]));
    const busy =
      'You have 5 conversions queued or converting, as many as one person may; upload more when some are done.';
    let full = true;
    const sent = interceptUploads(async ([name]) => {
      if (name === 'bad.docx')
        throw new ApiError(400, 'option_invalid', 'The field "pages" must list pages.');
      if (name === 'web.html')
        throw new ApiError(422, 'option_unsupported', 'The field "pdfa" applies to office documents.');
      if (name === 'busy.docx' && full) throw new ApiError(429, 'too_many_conversions', busy);
      return jobOf(name ?? '');
    });
    const user = renderPage();
    await user.upload(await screen.findByLabelText('Files'), [
      new File(['x'], 'bad.docx'),
      new File(['x'], 'web.html'),
      new File(['x'], 'busy.docx'),
    ]);

    await user.click(screen.getByRole('button', { name: 'Convert' }));

    expect((await within(pickedRow('bad.docx')).findByRole('alert')).textContent).toBe(
      'The field "pages" must list pages.',
    );
    expect(within(pickedRow('web.html')).getByRole('alert').textContent).toBe(
      'The field "pdfa" applies to office documents.',
    );
    expect(within(pickedRow('busy.docx')).getByRole('alert').textContent).toBe(
      `${busy} Wait a little, then retry.`,
    );
    expect(within(pickedRow('bad.docx')).queryByRole('button', { name: 'Retry' })).toBeNull();
    full = false;
    await user.click(within(pickedRow('busy.docx')).getByRole('button', { name: 'Retry' }));
    await vi.waitFor(() =>
      expect(
        within(screen.getByRole('list', { name: 'Files to convert' })).queryByRole('listitem', {
          name: 'busy.docx',
        }),
      ).toBeNull(),
    );
    expect(sent.filter((fields) => fields.some(([, value]) => value === 'file:busy.docx'))).toHaveLength(2);
    expect(await screen.findByRole('listitem', { name: 'busy.docx' })).toBeDefined();
  });

  it('shows in the history what a job was made with, and the files a combined one joined', async () => {
    vi.stubGlobal(
      'fetch',
      fakeGateway([
        {
          ...queued,
          pdfa: '2b',
          pdfua: true,
          pages: '2-3,5-5',
          sources: [
            { name: 'report.docx', format: 'docx', bytes: 1 },
            { name: 'figures.xlsx', format: 'xlsx', bytes: 1 },
            { name: 'report.docx', format: 'docx', bytes: 1 },
          ],
        },
        { ...queued, id: crypto.randomUUID(), sourceName: 'plain.docx' },
      ]),
    );
    renderPage();
    const row = await screen.findByRole('listitem', { name: 'report.docx' });
    expect(
      within(row).getByText('PDF/A-2b · Tagged (PDF/UA) · pages 2-3, 5 · 3 files combined'),
    ).toBeDefined();
    const sources = within(row).getByRole('list', { name: 'Combined from' });
    expect(
      within(sources)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(['report.docx', 'figures.xlsx', 'report.docx']);
    const plain = screen.getByRole('listitem', { name: 'plain.docx' });
    expect(plain.querySelector('.job__options')).toBeNull();
    expect(within(plain).queryByRole('list')).toBeNull();
  });
});
