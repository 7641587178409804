// The console's page frame: skip link, navigation (current page marked for screen readers),
// sign-out form with its CSRF token.
import { document, html, type SafeHtml } from './html.ts';

export type Frame = { title: string; current: 'overview' | 'calls' | 'callers' | 'dead-letters' | 'quarantine'; user: string; csrf: string };

const NAV = [
  { key: 'overview', href: '/console', label: 'Overview' },
  { key: 'calls', href: '/console/calls', label: 'Calls' },
  { key: 'callers', href: '/console/callers', label: 'Callers' },
  { key: 'dead-letters', href: '/console/dead-letters', label: 'Dead letters' },
  { key: 'quarantine', href: '/console/quarantine', label: 'Quarantine' },
] as const;

export function consolePage(frame: Frame, body: SafeHtml): SafeHtml {
  return document(
    frame.title,
    html`<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="/console">AI Call Sync</a>
<nav aria-label="Console"><ul>${NAV.map((n) => html`<li><a href="${n.href}"${frame.current === n.key ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}</ul></nav>
<form method="post" action="/console/logout"><input type="hidden" name="_csrf" value="${frame.csrf}"><button class="plain" type="submit">Sign out ${frame.user}</button></form>
</header>
<main id="main">
${body}
</main>`,
    { script: true },
  );
}
