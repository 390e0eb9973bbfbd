import { describe, expect, it } from 'vitest';
import { decodeMarkdown, markdownToHtml } from './render.ts';

const body = async (markdown: string) => {
  const html = await markdownToHtml(markdown);
  return html.slice(html.indexOf('<main'));
};

describe('markdownToHtml', () => {
  it('renders CommonMark and GFM: headings, emphasis, tables, task lists, strikethrough, autolinks', async () => {
    const html = await body(
      [
        '# Title',
        '',
        'Some **bold**, *italic* and ~~gone~~ text; see https://example.com.',
        '',
        '| a | b |',
        '| - | - |',
        '| 1 | 2 |',
        '',
        '- [x] done',
        '- [ ] open',
      ].join('\n'),
    );
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>italic</em>');
    expect(html).toContain('<del>gone</del>');
    expect(html).toContain('<a href="https://example.com">https://example.com</a>');
    expect(html).toMatch(/<table>[\s\S]*<th>a<\/th>[\s\S]*<td>2<\/td>[\s\S]*<\/table>/);
    expect(html).toContain('<ul class="contains-task-list">');
    expect(html).toContain('<input type="checkbox" checked disabled> done');
    expect(html).toContain('<input type="checkbox" disabled> open');
  });

  it('highlights fenced code by its language and keeps its text', async () => {
    const html = await body('```js\nconst answer = 42; // why\n```\n');
    expect(html).toContain('<code class="hljs language-js">');
    expect(html).toContain('<span class="hljs-keyword">const</span>');
    expect(html).toContain('<span class="hljs-comment">// why</span>');
  });

  it('sanitises raw HTML: no script, iframe, event handler, style or remote image survives', async () => {
    const html = await body(
      [
        'Hello <b>world</b>',
        '',
        '<script>document.write("ran")</script>',
        '<iframe src="https://evil.example/"></iframe>',
        '<img src="http://127.0.0.1:9/pixel.png" onerror="alert(1)" alt="remote">',
        '<img src="picture.png" alt="local">',
        '<a href="javascript:alert(1)">link</a>',
        '<style>body { display: none }</style>',
        '<object data="x.swf"></object><embed src="x.swf"><link rel="stylesheet" href="http://evil/x.css">',
        '',
        '![md image](https://example.com/remote.png) ![protocol-relative](//example.com/p.png)',
      ].join('\n'),
    );
    expect(html).toContain('<b>world</b>');
    for (const banned of [
      '<script',
      'document.write',
      '<iframe',
      'onerror',
      '127.0.0.1',
      'javascript:',
      '<style',
      'display: none',
      '<object',
      '<embed',
      '<link',
      'remote.png',
      'example.com/p.png',
    ]) {
      expect(html, banned).not.toContain(banned);
    }
    expect(html).toContain('remote\n<img src="picture.png" alt="local">');
    expect(html).toContain('md image protocol-relative');
    expect(html).toContain('<img src="picture.png" alt="local">');
  });

  it('makes a whole document: UTF-8, the first heading as title, the print stylesheet inline', async () => {
    const html = await markdownToHtml('Intro\n\n# Quarterly <report> & notes\n');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>Quarterly &lt;report&gt; &amp; notes</title>');
    expect(html).toContain('@page');
    expect(html).toContain('Noto Color Emoji');
  });
});

describe('decodeMarkdown', () => {
  it('reads UTF-8, and Windows-1252 when the bytes are not UTF-8', () => {
    expect(decodeMarkdown(Buffer.from('Grüße 中文', 'utf8'))).toBe('Grüße 中文');
    expect(decodeMarkdown(Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x20, 0x80]))).toBe('Grüße €');
  });
});
