'use strict';
// Dredd hooks for replaying mockgraph's OpenAPI description (server/test/dredd.test.ts; README, "$metadata and
// OpenAPI"). They add only what a static description cannot say, the way Dredd's documentation isolates
// transactions ("Isolation of HTTP Transactions", https://dredd.org/en/latest/how-to-guides.html):
// 1. the Prefer header a response depends on: a create's 204 and an update's 200 declare Preference-Applied;
// 2. the example entity a set's examples name: before each transaction on a set, it is created from the set's own
//    create example under the example id when it is missing (an earlier DELETE removed it, or the seed left the set
//    empty); a 409 means it is there. Nothing else is changed: Dredd still checks every status, header and body.
const { readFileSync } = require('node:fs');
const hooks = require('hooks');

/** The request media type of the description's bodies. */
const JSON_BODY = 'application/json';
let fixtures = [];

/** For every `<collection>/{key}` path: the example id of its key parameter and the collection's create example. */
function fixturesOf(description) {
  const found = [];
  for (const [path, item] of Object.entries(description.paths)) {
    const m = /^(.*)\/\{([^}/]+)\}$/.exec(path);
    if (!m) continue;
    const id = (item.parameters || []).find((p) => p.in === 'path' && p.name === m[2])?.example;
    const create = description.paths[m[1]]?.post?.requestBody?.content?.[JSON_BODY]?.example;
    if (typeof id === 'string' && create !== undefined) found.push({ collection: m[1], body: { ...create, [m[2]]: id }, id });
  }
  return found;
}

hooks.beforeAll((transactions, done) => {
  const file = transactions[0] && transactions[0].origin.filename;
  if (file) fixtures = fixturesOf(JSON.parse(readFileSync(file, 'utf8')));
  done();
});

hooks.beforeEach((transaction, done) => {
  const declared = Object.keys(transaction.expected.headers || {}).map((h) => h.toLowerCase());
  if (declared.includes('preference-applied')) transaction.request.headers.Prefer = transaction.expected.statusCode === '204' ? 'return=minimal' : 'return=representation';
  const path = transaction.origin.resourceName;
  const fixture = fixtures.find((f) => path === f.collection || path.startsWith(`${f.collection}/`));
  if (!fixture) return done();
  const url = `${transaction.protocol}//${transaction.host}:${transaction.port}${fixture.collection}`;
  const headers = { Authorization: transaction.request.headers.Authorization, 'Content-Type': JSON_BODY };
  fetch(url, { method: 'POST', headers, body: JSON.stringify(fixture.body) }).then(
    (res) => {
      if (res.status !== 201 && res.status !== 409) hooks.log(`mockgraph hooks: creating ${fixture.id} in ${fixture.collection} answered ${res.status}`);
      done();
    },
    (err) => {
      hooks.log(`mockgraph hooks: creating ${fixture.id} in ${fixture.collection} failed: ${err.message}`);
      done();
    },
  );
});
