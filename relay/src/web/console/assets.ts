// The console's stylesheet and its one small script, served by the relay itself (no CDN, so the
// content security policy can stay 'self'). Colours meet WCAG AA contrast on white; every
// control shows a visible focus ring; tables scroll sideways on a phone instead of squashing.
import express, { type Router } from 'express';

const CSS = `
:root { --ink: #1b1b1f; --muted: #4a4a55; --line: #c9c9d3; --bg: #ffffff; --band: #f3f3f7; --link: #0b4fb3; --ok: #116329; --warn: #8a4b00; --bad: #a4161a; --focus: #ffbf47; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--link); }
/* A dark ring with a yellow halo: visible on white, on the blue buttons and on the grey bands. */
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid var(--ink); outline-offset: 2px; box-shadow: 0 0 0 6px var(--focus); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: var(--bg); padding: 8px; z-index: 2; }
header.top { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: center; padding: 12px 16px; background: var(--band); border-bottom: 1px solid var(--line); }
header.top .brand { font-weight: 700; text-decoration: none; color: var(--ink); }
header.top nav ul { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; margin: 0; padding: 0; }
header.top nav a[aria-current="page"] { font-weight: 700; }
header.top form { margin-left: auto; }
main { padding: 16px; max-width: 1200px; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.card .figure { font-size: 1.8rem; font-weight: 700; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; }
.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.chart figcaption { font-weight: 600; margin-bottom: 8px; }
.chart svg text { fill: currentColor; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; list-style: none; padding: 0; margin: 8px 0; font-size: 0.85rem; }
.ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); } .muted { color: var(--muted); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--band); }
form.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-end; margin-bottom: 12px; }
form.filters div, form.stack div { display: flex; flex-direction: column; }
form.stack { max-width: 360px; display: flex; flex-direction: column; gap: 12px; }
label { font-weight: 600; font-size: 0.9rem; }
input, select, button { font: inherit; padding: 8px 10px; border: 1px solid var(--muted); border-radius: 6px; min-height: 44px; background: var(--bg); color: var(--ink); }
button { background: var(--link); color: #fff; border-color: var(--link); cursor: pointer; }
button.danger { background: var(--bad); border-color: var(--bad); }
button.plain { background: var(--bg); color: var(--link); }
.alert { border-left: 4px solid var(--bad); background: #fdecec; padding: 8px 12px; }
.notice { border-left: 4px solid var(--ok); background: #e9f6ec; padding: 8px 12px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
ol.transcript { list-style: none; padding: 0; }
ol.transcript li { padding: 8px 0; border-bottom: 1px solid var(--line); }
ol.transcript .who { font-weight: 700; }
ol.transcript .agent .who { color: var(--link); }
.pager { display: flex; gap: 16px; align-items: center; margin-top: 12px; }
@media (max-width: 600px) { dl.facts { grid-template-columns: 1fr; } header.top form { margin-left: 0; } }
`;

// Progressive: without it every form still works; with it destructive actions ask first.
const JS = `
document.addEventListener('submit', function (event) {
  var form = event.target;
  var question = form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) event.preventDefault();
});
`;

export function assetRoutes(): Router {
  const router = express.Router();
  router.get('/console/assets/console.css', (_req, res) => {
    res.type('text/css').set('cache-control', 'public, max-age=3600').send(CSS);
  });
  router.get('/console/assets/console.js', (_req, res) => {
    res.type('text/javascript').set('cache-control', 'public, max-age=3600').send(JS);
  });
  return router;
}
