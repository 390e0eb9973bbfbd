import { readFileSync } from 'node:fs';
import rehypeHighlight from 'rehype-highlight';
import rehypeRaw from 'rehype-raw';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';

/** The print stylesheet every rendered Markdown document carries (typography, code, tables, pages). */
const PRINT_CSS = readFileSync(new URL('./print.css', import.meta.url), 'utf8');

/**
 * GitHub's allow-list (what hast-util-sanitize ships): raw HTML may format, never run a script or
 * frame a page. A `<style>` goes with its text, as a `<script>` does.
 */
const SCHEMA = { ...defaultSchema, strip: [...(defaultSchema.strip ?? []), 'style'] };

interface TreeNode {
  type: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: TreeNode[];
}

const REMOTE = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

/**
 * Images keep relative addresses only (files beside the document): nothing remote is fetched to
 * print. A remote image prints as its alt text rather than as a broken-image icon.
 */
function localImagesOnly() {
  const visit = (node: TreeNode) => {
    node.children = node.children?.map((child) => {
      const src = child.properties?.src;
      if (child.tagName !== 'img' || typeof src !== 'string' || !REMOTE.test(src.trim())) return child;
      const alt = child.properties?.alt;
      return { type: 'text', value: typeof alt === 'string' ? alt : '' };
    });
    for (const child of node.children ?? []) visit(child);
  };
  return (tree: TreeNode) => visit(tree);
}

const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype, { allowDangerousHtml: true })
  .use(rehypeRaw)
  .use(rehypeSanitize, SCHEMA)
  .use(localImagesOnly)
  // After sanitising: highlight.js's `hljs-*` classes are ours, not the author's.
  .use(rehypeHighlight, { detect: false })
  .use(rehypeStringify);

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"]/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char,
  );

/** The first level-one heading, as plain text: the PDF's title. */
function titleOf(markdown: string): string {
  const heading = /^ {0,3}# +(.+?)(?: +#+)? *$/m.exec(markdown)?.[1] ?? 'Document';
  return heading.replace(/[*_`~[\]]/g, '').trim() || 'Document';
}

/** Markdown (CommonMark + GFM) to a complete, sanitised HTML document styled for print. */
export async function markdownToHtml(markdown: string): Promise<string> {
  const body = String(await processor.process(markdown));
  return `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>${escapeHtml(titleOf(markdown))}</title>
<style>
${PRINT_CSS}</style>
</head>
<body>
<main class="markdown-body">
${body}
</main>
</body>
</html>
`;
}

/** A Markdown file's text: UTF-8 as written by nearly every editor, else Windows-1252 (never garbage). */
export function decodeMarkdown(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
