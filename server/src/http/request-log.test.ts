import type { KeptDetails } from './request-log';
import { MAX_LOG_DETAIL_BYTES, RequestLog } from './request-log';

const summary = (n: number) => ({ time: 't', 'request-id': `r-${n}`, method: 'GET', path: `/beta/x/${n}`, status: 200, durationMs: 1 });
const details = (bodyBytes: number): KeptDetails => ({
  request: { headers: () => ({ fields: [['Accept', '*/*']], cut: false }), headerBytes: 64 + 9 },
  response: { headers: () => ({ fields: [], cut: false }), headerBytes: 0, body: { head: Buffer.from('x'.repeat(bodyBytes)), bytes: bodyBytes } },
});

describe('RequestLog', () => {
  test('numbers entries 1, 2, … and keeps the last `capacity`, newest first', () => {
    const log = new RequestLog(3);
    for (let n = 1; n <= 5; n++) expect(log.add(summary(n)).id).toBe(n);
    expect(log.recent().map((e) => e.id)).toEqual([5, 4, 3]);
    expect(log.total()).toBe(5);
    expect(log.get(3)?.path).toBe('/beta/x/3');
    for (const gone of [0, 1, 2, 6, -1, 2.5, Number.NaN]) expect(log.get(gone)).toBeUndefined();
  });

  test("an entry's details come with it, and go when the ring drops the entry", () => {
    const log = new RequestLog(2);
    log.add(summary(1), details(10));
    expect(log.get(1)?.response?.body?.text).toBe('x'.repeat(10));
    log.add(summary(2), details(10));
    const before = log.keptDetailBytes();
    log.add(summary(3), details(10));
    expect(log.get(1)).toBeUndefined();
    expect(log.keptDetailBytes()).toBe(before);
  });

  test('past maxDetailBytes the oldest entries lose their headers and bodies first; their summaries stay', () => {
    const log = new RequestLog(10, 3500);
    for (let n = 1; n <= 5; n++) log.add(summary(n), details(1000));
    expect(log.keptDetailBytes()).toBeLessThanOrEqual(3500);
    expect([1, 2, 3, 4, 5].map((id) => log.get(id)?.response !== null)).toEqual([false, false, false, true, true]);
    expect(log.get(1)).toMatchObject({ id: 1, path: '/beta/x/1', request: null, response: null });
    // Details larger than the whole bound are never kept, and push nothing out.
    log.add(summary(6), details(5000));
    expect(log.get(6)?.response).toBeNull();
    expect(log.get(5)?.response).not.toBeNull();
  });

  test('the default bound is 4 MiB', () => {
    expect(new RequestLog(1).maxDetailBytes).toBe(MAX_LOG_DETAIL_BYTES);
    expect(MAX_LOG_DETAIL_BYTES).toBe(4 * 1024 * 1024);
  });
});
