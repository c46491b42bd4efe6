import type { EventEmitter } from 'node:events';
import { IncomingMessage, ServerResponse } from 'node:http';

/** What Express sets as the prototype of every request and response it handles (`app.request`, `app.response`). */
export interface ExpressPrototypes {
  request: object;
  response: object;
}

/** The classes Node's server makes its requests and responses of (its `IncomingMessage` and `ServerResponse` options). */
export interface MessageClasses {
  IncomingMessage: typeof IncomingMessage;
  ServerResponse: typeof ServerResponse;
}

const made = new WeakMap<object, MessageClasses>();

/**
 * Request and response classes whose prototypes are the app's own. Express gives every request and response the app's
 * prototypes with Object.setPrototypeOf, and V8 then gives each object a shape outside the ones its property caches
 * know: measured, a property write on it costs ≈ 0.2 µs instead of ≈ 15 ns, and Node's HTTP code and the handlers make
 * hundreds of reads and writes a request (a create took ≈ 40 % less CPU with these classes; docs/performance.md).
 * Made by the server with these classes, a request already has the prototype Express sets, and setting it again leaves
 * it alone. The app's prototypes are replaced by the classes' (which inherit from them), so a request from any other
 * server (supertest's) still gets every method Express and the app define.
 */
export function messageClassesOf(app: ExpressPrototypes): MessageClasses {
  const known = made.get(app);
  if (known) return known;
  const own = { request: app.request, response: app.response };
  class GraphRequest extends IncomingMessage {}
  Object.setPrototypeOf(GraphRequest.prototype, app.request);
  class GraphResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {}
  Object.setPrototypeOf(GraphResponse.prototype, app.response);
  app.request = GraphRequest.prototype;
  app.response = GraphResponse.prototype;
  // Mounting the app points its prototypes at the parent's (Express's own 'mount' listener, which runs first): the
  // app's own ones, which carry `req.app` and `res.app`, are put back between the classes' and the parent's.
  (app as Partial<Pick<EventEmitter, 'on'>>).on?.('mount', (parent: ExpressPrototypes) => {
    Object.setPrototypeOf(own.request, parent.request);
    Object.setPrototypeOf(own.response, parent.response);
    Object.setPrototypeOf(GraphRequest.prototype, own.request);
    Object.setPrototypeOf(GraphResponse.prototype, own.response);
  });
  const classes: MessageClasses = { IncomingMessage: GraphRequest, ServerResponse: GraphResponse };
  made.set(app, classes);
  return classes;
}

/** The classes to make a listener's requests of: an Express app's (it carries the prototypes it gives them), else none. */
export function messageClassesFor(listener: object): MessageClasses | undefined {
  const { request, response } = listener as Partial<ExpressPrototypes>;
  const isApp = typeof request === 'object' && request !== null && typeof response === 'object' && response !== null;
  return isApp ? messageClassesOf(listener as ExpressPrototypes) : undefined;
}
