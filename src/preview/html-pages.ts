/** The preview's HTML: the index of surfaces, the shell a UI Kit surface runs in, and the not-found page. */
import { PAGE_CONFIG_GLOBAL, type PreviewPageConfig } from './page-config';

export interface SurfaceLink {
  title: string;
  url: string;
}

const BASE_STYLE = `
  body { margin: 0; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; color: #172b4d; background: #fff; }
  .preview-bar { padding: 8px 24px; background: #f7f8f9; border-bottom: 1px solid #dfe1e6; font-size: 13px; }
  .preview-bar a { color: #0c66e4; }
  .preview-page { padding: 24px; max-width: 960px; margin: 0 auto; }
`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${BASE_STYLE}</style>
${head}
</head>
<body>
<div class="preview-bar"><a href="/">Pipeline Insights</a> · local preview</div>
${body}
</body>
</html>`;
}

export function indexPage(surfaces: readonly SurfaceLink[]): string {
  const items = surfaces
    .map((s) => `<li><a href="${escapeHtml(s.url)}">${escapeHtml(s.title)}</a></li>`)
    .join('\n');
  const list = surfaces.length > 0 ? `<ul>${items}</ul>` : '<p>No repositories have been ingested yet.</p>';
  return layout(
    'Pipeline Insights preview',
    `<main class="preview-page"><h1>Pipeline Insights</h1>
<p>The app's pages, as Bitbucket shows them, running against the local data.</p>
${list}</main>`,
  );
}

/**
 * The shell of a surface: the config global first, then the host bundle (which installs `__bridge`), then the
 * app bundle, in document order.
 */
export function surfacePage(
  title: string,
  config: PreviewPageConfig,
  assets: { scripts: readonly string[]; styles: readonly string[] },
): string {
  // `<` is escaped so no value in the config can close the script element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const styles = assets.styles
    .map((s) => `<link rel="stylesheet" href="/assets/${escapeHtml(s)}">`)
    .join('\n');
  const scripts = assets.scripts.map((s) => `<script src="/assets/${escapeHtml(s)}"></script>`).join('\n');
  return layout(
    title,
    `<div id="root"></div>
<script>window[${JSON.stringify(PAGE_CONFIG_GLOBAL)}] = ${json};</script>
${scripts}`,
    styles,
  );
}

export function notFoundPage(message: string): string {
  return layout(
    'Not found · Pipeline Insights preview',
    `<main class="preview-page"><h1>Not found</h1>
<p>${escapeHtml(message)}</p><p><a href="/">See the pages this preview serves</a></p></main>`,
  );
}
