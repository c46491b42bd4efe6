import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import type { AppDeps } from '../options';
import { packageRoot } from '../package-root';
import { ADMIN_SECURITY_HEADERS } from './admin-guard';
import { ADMIN_ROOT } from './admin';
import { HEADER } from './headers';

/** The landing page's policy: no script at all, its own inline-free markup only. */
const LANDING_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Where the project's README is served, so the landing page can link to the documentation offline. */
export const README_PATH = '/README.md';

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
 * `$metadata`, the OpenAPI description, the README and the served entity sets; `GET /README.md` serves the README.
 */
export function landingPage(deps: AppDeps): RequestHandler {
  const links = landingLinks(deps);
  const html = landingHtml(links);
  let readme: string | undefined;
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === README_PATH) {
      readme ??= readFileSync(join(packageRoot(), 'README.md'), 'utf8');
      res.set(ADMIN_SECURITY_HEADERS).setHeader(HEADER.contentType, 'text/markdown; charset=utf-8');
      res.end(readme);
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
