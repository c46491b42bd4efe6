import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestHandler, Response } from 'express';
import { GraphError } from '../graph/errors';
import type { AppDeps } from '../options';
import { packageRoot } from '../package-root';
import { ADMIN_SECURITY_HEADERS } from './admin-guard';
import { ADMIN_ROOT } from './admin';
import { HEADER } from './headers';

/** The landing page's policy: no script at all, its own inline-free markup only. */
const LANDING_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Where the project's README is served, so the landing page can link to the documentation offline. */
export const README_PATH = '/README.md';

/** Where the pages of docs/ are served: the README links them relatively, so its links work from {@link README_PATH}. */
export const DOCS_ROOT = '/docs/';

/** A docs page's URL: a kebab-case name and `.md`, so no URL can reach another file (no dots, slashes or escapes). */
const DOC_PAGE_PATH = /^\/docs\/[a-z0-9]+(?:-[a-z0-9]+)*\.md$/;

/** The Markdown pages directly in the package's docs/ folder, by file name; read once, on first use. */
function readDocsPages(): ReadonlyMap<string, string> {
  const dir = join(packageRoot(), 'docs');
  if (!existsSync(dir)) return new Map();
  const files = readdirSync(dir, { withFileTypes: true }).filter((f) => f.isFile() && DOC_PAGE_PATH.test(`${DOCS_ROOT}${f.name}`));
  return new Map(files.map((f) => [f.name, readFileSync(join(dir, f.name), 'utf8')]));
}

/** Sends a Markdown file as the README is sent: as text, never sniffed, framed or cached. */
function sendMarkdown(res: Response, text: string): void {
  res.set(ADMIN_SECURITY_HEADERS).setHeader(HEADER.contentType, 'text/markdown; charset=utf-8');
  res.end(text);
}

/** What the landing page links to: relative URLs, so they work behind any host or proxy. */
export interface LandingLinks {
  name: 'mockgraph';
  inspector: string | undefined;
  metadata: string;
  openapi: string;
  readme: string;
  entitySets: Array<{ path: string; url: string }>;
}

/** The links of this service, from the model and the settings. */
export function landingLinks(deps: AppDeps): LandingLinks {
  const versions = [...new Set(deps.graph.model.entitySets.flatMap((s) => s.versions))];
  const root = versions.includes('beta') ? 'beta' : (versions[0] ?? 'beta');
  return {
    name: 'mockgraph',
    inspector: deps.admin ? `${ADMIN_ROOT}/` : undefined,
    metadata: `/${root}/$metadata`,
    openapi: `${ADMIN_ROOT}/openapi.json`,
    readme: README_PATH,
    entitySets: deps.graph.model.entitySets.map((s) => ({ path: s.path, url: `/${s.versions.includes(root) ? root : (s.versions[0] ?? root)}/${s.path}` })),
  };
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function landingHtml(links: LandingLinks): string {
  const item = (href: string, text: string, note: string) => `<li><a href="${escapeHtml(href)}">${escapeHtml(text)}</a> ${escapeHtml(note)}</li>`;
  const docs = [
    ...(links.inspector ? [item(links.inspector, 'Inspector', '— browse, add and reset entities')] : []),
    item(links.metadata, '$metadata', '— the CSDL of the service'),
    item(links.openapi, 'OpenAPI', '— a description of every served path'),
    item(links.readme, 'README', '— how to use mockgraph'),
  ];
  const sets = links.entitySets.map((s) => item(s.url, s.path, '(needs Authorization: Bearer <any token>)'));
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>mockgraph</title><style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:44rem;padding:0 1rem}code{background:#eee;padding:0 .2em}</style></head>\n<body><h1>mockgraph</h1><p>An OData-style mock of Microsoft Graph. Graph requests go to <code>/beta/…</code> with any bearer token.</p>\n<h2>Documentation</h2><ul>${docs.join('')}</ul>\n<h2>Entity sets</h2><ul>${sets.join('')}</ul></body></html>\n`;
}

/**
 * `GET /`: a small page (or, for `Accept: application/json`, the same as JSON) with links to the inspector,
 * `$metadata`, the OpenAPI description, the README and the served entity sets; `GET /README.md` serves the README
 * and `GET /docs/NAME.md` the pages of docs/ it links to (anything else under /docs/ is a 404).
 */
export function landingPage(deps: AppDeps): RequestHandler {
  const links = landingLinks(deps);
  const html = landingHtml(links);
  let readme: string | undefined;
  let docs: ReadonlyMap<string, string> | undefined;
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === README_PATH) {
      readme ??= readFileSync(join(packageRoot(), 'README.md'), 'utf8');
      sendMarkdown(res, readme);
      return;
    }
    if (req.path.startsWith(DOCS_ROOT)) {
      // The raw path, never decoded: `%2e%2e%2f` cannot match, so no request leaves the docs/ folder.
      const name = DOC_PAGE_PATH.test(req.path) ? req.path.slice(DOCS_ROOT.length) : undefined;
      docs ??= readDocsPages();
      const page = name === undefined ? undefined : docs.get(name);
      if (page === undefined) throw new GraphError('ResourceNotFound', `No documentation page at ${req.path.slice(0, 200)}: ${README_PATH} links every page.`);
      sendMarkdown(res, page);
      return;
    }
    if (req.path !== '/') return next();
    res.set(ADMIN_SECURITY_HEADERS);
    res.setHeader(HEADER.vary, HEADER.accept);
    if (req.accepts(['text/html', 'application/json']) === 'application/json') {
      res.setHeader(HEADER.contentType, 'application/json; charset=utf-8');
      res.end(JSON.stringify(links));
      return;
    }
    res.setHeader(HEADER.contentSecurityPolicy, LANDING_CSP);
    res.setHeader(HEADER.contentType, 'text/html; charset=utf-8');
    res.end(html);
  };
}
