/**
 * The one catalog of errors mockgraph answers with, keyed by Graph's own code strings.
 * @see https://learn.microsoft.com/graph/errors
 */
export const GRAPH_ERROR_CATALOG = {
  BadRequest: { status: 400, when: 'Malformed JSON, a body without Content-Type, a body that breaks the schema, an unknown path segment or version.' },
  InvalidAuthenticationToken: { status: 401, when: 'No Authorization header ("Access token is empty."), a scheme other than Bearer, or an empty token; with WWW-Authenticate: Bearer.' },
  Forbidden: { status: 403, when: 'With --auth jwt: the token lacks the permission the operation needs (named in the message), or it is a personal Microsoft account token, which the page does not support. On the admin API: a cross-site request, or the admin API is locked (no --admin-token on a network address).' },
  ResourceNotFound: { status: 404, when: 'No entity has the id in the URL.' },
  MethodNotAllowed: { status: 405, when: 'A method the addressed resource does not support; the Allow header lists the ones it does.' },
  NotAcceptable: { status: 406, when: 'An Accept header that admits no JSON response.' },
  Conflict: { status: 409, when: 'A create whose client-supplied id is already taken.' },
  RequestUriTooLong: { status: 414, when: 'A request URL longer than 8,192 characters.' },
  RequestBodyRead: { status: 415, when: 'A POST or PATCH body whose Content-Type is not application/json (parameters such as charset are fine).' },
  RequestEntityTooLarge: { status: 413, when: 'A request body over the limit (default 1 MiB).' },
  RequestHeaderFieldsTooLarge: { status: 431, when: 'Request headers larger than 64 KiB in all (answered by the HTTP server before any routing).' },
  TooManyRequests: { status: 429, when: 'With --throttle N/SECONDS: a client (by its token\'s app id, else its token) sent more than N requests in the window; Retry-After says when to retry.' },
  InternalServerError: { status: 500, when: 'A fault inside mockgraph itself; the details go to its log (stderr) under the request-id, never to the client.' },
  ServiceUnavailable: { status: 503, when: 'The data file was deleted or replaced while the server runs (writes are refused rather than acknowledged and lost); a long query when 64 already wait their turn, or one not answered within 10 s of arriving; or with --fail-rate P a simulated outage; with Retry-After.' },
  quotaLimitReached: { status: 507, when: 'A write that would take an entity set past --max-entities or all stored JSON past --max-data-size; nothing is changed.' },
  GatewayTimeout: { status: 504, when: "With --fail-rate P: a simulated upstream timeout, with Retry-After; in a $batch, a request not answered within 15 s, or not begun within the batch's 30 s." },
  FailedDependency: { status: 424, when: 'Inside a $batch response: a request whose dependsOn names a request that failed (status 400 or more); it is not run.' },
} as const satisfies Record<string, { status: number; when: string }>;

/** The longest error message sent or logged; a longer one (it quotes the request) is cut. */
export const MAX_ERROR_MESSAGE_LENGTH = 4_600;

/** Every code mockgraph can answer with. */
export type GraphErrorCode = keyof typeof GRAPH_ERROR_CATALOG;

/** The error every layer throws; only the HTTP error handler turns it into a response. */
export class GraphError extends Error {
  readonly code: GraphErrorCode;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: GraphErrorCode, message: string, headers: Record<string, string> = {}) {
    // Messages quote what the client sent: bounded, so an error body or a log line cannot be made huge.
    super(message.length > MAX_ERROR_MESSAGE_LENGTH ? `${message.slice(0, MAX_ERROR_MESSAGE_LENGTH)}… (message cut at ${MAX_ERROR_MESSAGE_LENGTH} characters)` : message);
    this.name = 'GraphError';
    this.code = code;
    this.status = GRAPH_ERROR_CATALOG[code].status;
    this.headers = headers;
  }
}

