// Server-rendered HTML with escaping by default: every interpolated value is escaped unless it
// is already SafeHtml (built by this same template tag), so page code cannot forget to escape.
import type { Response } from 'express';

export class SafeHtml {
  readonly html: string;
  constructor(html: string) {
    this.html = html;
  }
  toString(): string {
    return this.html;
  }
}

export type Part = SafeHtml | string | number | boolean | null | undefined | Part[];

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false || part === true) return '';
  if (part instanceof SafeHtml) return part.html;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/**
 * Pages hold call data: never cached, never framed, no third-party anything, and no Referer so
 * a transcript token in the address bar cannot leak to a link the page shows.
 */
export function sendPage(res: Response, status: number, page: SafeHtml): void {
  res
    .status(status)
    .set({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; media-src https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    })
    .send('<!doctype html>\n' + page.html);
}

export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? '—' : date.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A page of its own, shared by the console and the transcript page. */
export function document(title: string, body: SafeHtml, options: { script?: boolean } = {}): SafeHtml {
  return html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title} · AI Call Sync</title>
<link rel="stylesheet" href="/console/assets/console.css">
${options.script ? html`<script src="/console/assets/console.js" defer></script>` : ''}
</head>
<body>
${body}
</body>
</html>`;
}
