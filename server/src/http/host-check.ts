import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import { GraphError } from '../graph/errors';
import type { AppDeps } from '../options';
import { HEADER } from './headers';

const HOST_SYNTAX = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(:\d{1,5})?$/i;

/** The host part of a Host header (`[::1]:4000` → `::1`, `Example.test:80` → `example.test`). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

function matches(pattern: string, host: string): boolean {
  const wantPort = pattern.includes(':');
  const candidate = wantPort ? host.trim().toLowerCase() : hostName(host);
  if (pattern.startsWith('*.')) return candidate.endsWith(pattern.slice(1));
  return candidate === pattern;
}

/**
 * A Host the server answers to: loopback names, IP literals (a DNS-rebinding attack needs a name the attacker
 * controls, never an address), the public origin's host, and the configured --allowed-hosts.
 */
export function isAllowedHost(host: string, allowed: readonly string[], publicOrigin: string | undefined): boolean {
  // A Host is a name or an address and an optional port, nothing else: links are built from it. @see RFC 9110 §7.2
  if (!HOST_SYNTAX.test(host.trim())) return false;
  if (allowed.includes('*')) return true;
  const name = hostName(host);
  if (name === '') return false;
  if (name === 'localhost' || name.endsWith('.localhost') || isIP(name) !== 0) return true;
  if (publicOrigin !== undefined && new URL(publicOrigin).hostname.toLowerCase().replace(/^\[|\]$/g, '') === name) return true;
  return allowed.some((pattern) => matches(pattern, host));
}

/**
 * Refuses requests for a Host the server does not serve, before anything reads data, so that a page on a
 * rebound DNS name cannot read the sandbox and links never carry an unchecked Host.
 * @see https://en.wikipedia.org/wiki/DNS_rebinding
 */
export function requireKnownHost(deps: AppDeps): RequestHandler {
  const allowed = deps.allowedHosts.map((h) => h.toLowerCase());
  // Clients send the same Host on every request: one that passed once passes without a second look (bounded).
  const passed = new Set<string>();
  return (req, _res, next) => {
    const host = req.headers.host;
    if (host !== undefined && passed.has(host)) return next();
    if (host === undefined || host === '') throw new GraphError('BadRequest', 'The request has no Host header.');
    if (!isAllowedHost(host, allowed, deps.publicOrigin)) {
      throw new GraphError('BadRequest', `The Host '${host.slice(0, 100)}' is not served here: use localhost or an IP address, or start mockgraph with --allowed-hosts ${hostName(host).slice(0, 100) || 'NAME'} (the ${HEADER.host} check defends against DNS rebinding).`);
    }
    if (passed.size >= 256) passed.clear();
    passed.add(host);
    next();
  };
}
