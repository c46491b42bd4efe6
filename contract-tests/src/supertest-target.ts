import request from 'supertest';
import type { ActualResponse, HttpTarget, ReplayRequest } from './replay';

/** A target that sends requests to an in-process app (anything supertest accepts), no port needed. */
export function supertestTarget(app: Parameters<typeof request>[0]): HttpTarget {
  return async (req: ReplayRequest): Promise<ActualResponse> => {
    const agent = request(app);
    let test = agent[req.method.toLowerCase() as 'post'](req.path).buffer(true).parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    });
    for (const [name, value] of Object.entries(req.headers)) test = test.set(name, value);
    const res = req.body === undefined ? await test : await test.send(req.body);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers as Record<string, string | string[]>)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    return { status: res.status, headers, bodyText: res.body as string };
  };
}
