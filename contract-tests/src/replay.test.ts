import { normalizeExampleUrl, toReplayRequest } from './replay';
import type { DocExample } from './doc-page';

describe('normalizeExampleUrl', () => {
  test.each([
    ['https://graph.microsoft.com/docs\\api/Security/ipSecurityProfiles', '/beta/Security/ipSecurityProfiles'],
    ['https://graph.microsoft.com/beta/security/ipSecurityProfiles', '/beta/security/ipSecurityProfiles'],
    ['https://graph.microsoft.com/v1.0/security/alerts?$top=1', '/v1.0/security/alerts?$top=1'],
    ['/Security/ipSecurityProfiles/$ref', '/beta/Security/ipSecurityProfiles/$ref'],
    ['Security/ipSecurityProfiles', '/beta/Security/ipSecurityProfiles'],
  ])('%s → %s', (url, path) => {
    expect(normalizeExampleUrl(url)).toBe(path);
  });

  test('maps placeholder roots to a configured service root', () => {
    expect(normalizeExampleUrl('https://graph.microsoft.com/docs/api/x', '/mock/beta')).toBe('/mock/beta/x');
  });
});

describe('toReplayRequest', () => {
  test('drops Content-Length, replaces the doc token with the test token, keeps the body text', () => {
    const example = {
      request: { method: 'POST', url: '/x', headers: [['Content-type', 'application/json'], ['Content-length', '1197'], ['Authorization', 'Bearer {token}']], bodyText: '{}', body: {} },
    } as unknown as DocExample;
    expect(toReplayRequest(example, { token: 't' })).toEqual({
      method: 'POST',
      path: '/beta/x',
      headers: { 'Content-type': 'application/json', Authorization: 'Bearer t' },
      body: '{}',
    });
  });
});
