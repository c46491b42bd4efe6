import type { Draw } from './draw';

/** What the values of one generated object share, so that its city, country and state agree. */
export interface ObjectScope {
  place?: readonly [string, string, string];
}

/** Makes one string value of an object. */
type StringMaker = (draw: Draw, scope: ObjectScope) => string;

const COMPANIES = ['Contoso', 'Fabrikam', 'Litware', 'Northwind Traders', 'Adventure Works', 'Tailspin Toys', 'Woodgrove Bank', 'Wingtip Toys'];
const AREAS = ['Network Protection', 'Web Content Filtering'];
const CITIES = [['Seattle', 'US', 'Washington'], ['Amsterdam', 'NL', 'North Holland'], ['Singapore', 'SG', 'Singapore'], ['São Paulo', 'BR', 'São Paulo'], ['Frankfurt', 'DE', 'Hesse'], ['Osaka', 'JP', 'Osaka']] as const;
const TAGS = ['watchlist', 'false-positive', 'reviewed', 'escalated', 'internal', 'customer-reported'];
const TEAMS = ['Blue Team', 'Red Team', 'SOC Tier 1', 'Incident Response', 'Threat Hunting'];
const PEOPLE = ['Adele Vance', 'Alex Wilber', 'Diego Siciliani', 'Isaiah Langer', 'Megan Bowen', 'Nestor Wilke', 'Patti Fernandez', 'Lynne Robbins'];
const WORDS = ['Quarterly', 'Regional', 'Shared', 'Primary', 'Legacy', 'Critical', 'Daily', 'External'];
const NOUNS = ['report', 'baseline', 'policy', 'review', 'workload', 'inventory', 'assessment', 'rollout'];
const SENTENCES = [
  'Observed during routine monitoring',
  'Flagged by an automated rule and awaiting review',
  'Confirmed by the operations team',
  'Seen from several locations within an hour',
  'Imported from a partner feed',
];
const LEVELS = ['Low', 'Moderate', 'High'];
const AGENTS = ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/120.0', 'curl/8.5.0', 'Microsoft Office/16.0', 'python-requests/2.31'];
const EXTENSIONS = ['pdf', 'docx', 'exe', 'zip', 'ps1', 'dll'];

const octet = (d: Draw) => d.int(0, 255);
const place = (d: Draw, scope: ObjectScope) => (scope.place ??= d.pick(CITIES));
/** `length` hex digits, eight from each draw. */
function hex(d: Draw, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(d.random() * 0x100000000).toString(16).padStart(8, '0');
  return out.slice(0, length);
}
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');
const personEmail = (d: Draw) => `${slug(d.pick(PEOPLE).split(' ')[0] ?? 'user')}@${slug(d.pick(COMPANIES))}.com`;

/** A random v4-style UUID (lower-case hex), valid for `format: uuid` and Edm.Guid. */
export function uuid(d: Draw): string {
  const h = hex(d, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h.charAt(16), 16) & 3]}${h.slice(17, 20)}-${h.slice(20)}`;
}

/**
 * Realistic strings by what a property's name says it holds, first match wins; names are tested as written
 * (camelCase), so `Ip`/`IPv4` endings and `sub…` prefixes can be told apart. No rule names a resource.
 */
export const STRING_HINTS: ReadonlyArray<readonly [RegExp, StringMaker]> = [
  [/ipv6(address)?$/i, (d) => `2001:db8:${hex(d, 4)}::${d.int(1, 0xffff).toString(16)}`],
  [/cidr(block)?$|subnet$/i, (d) => `${d.int(10, 200)}.${octet(d)}.0.0/${d.pick([16, 20, 24])}`],
  [/(IPv4|IP|Ip|IpAddress|IPAddress)$|^ip(v4)?(address)?$|^address$/, (d) => `${d.int(10, 209)}.${octet(d)}.${octet(d)}.${d.int(1, 254)}`],
  [/mac(address)?$/i, (d) => Array.from({ length: 6 }, () => hex(d, 2)).join(':')],
  [/(e?mail|mailbox)(address)?$|recipient$|sender(address)?$|userprincipalname$|upn$/i, personEmail],
  [/url$|uri$|link$|website$|homepage$/i, (d) => `https://www.${slug(d.pick(COMPANIES))}.com/${d.pick(NOUNS)}/${d.int(1, 999)}`],
  [/domain(name)?$|hostname$|host$|fqdn$/i, (d) => `${d.pick(['mail', 'www', 'vpn', 'cdn'])}.${slug(d.pick(COMPANIES))}.com`],
  [/useragent$|mailer$/i, (d) => d.pick(AGENTS)],
  [/hash(value)?$|thumbprint$|checksum$|sha\d*$|md5$/i, (d) => hex(d, 64)],
  [/street(address)?$/i, (d) => `${d.int(1, 9999)} ${d.pick(['Main', 'Oak', 'Lake', 'Pine'])} ${d.pick(['Street', 'Avenue', 'Road'])}`],
  [/city$|town$/i, (d, s) => place(d, s)[0]],
  [/country(orregion)?(code)?$|region(code)?$/i, (d, s) => place(d, s)[1]],
  [/state$|province$/i, (d, s) => place(d, s)[2]],
  [/postal(code)?$|zip(code)?$/i, (d) => String(d.int(10000, 99999))],
  [/phone|mobile$|fax$/i, (d) => `+1 425 555 0${d.int(100, 199)}`],
  [/filename$|^file$/i, (d) => `${d.pick(NOUNS)}-${d.int(1, 999)}.${d.pick(EXTENSIONS)}`],
  [/path$/i, (d) => `/opt/${slug(d.pick(COMPANIES))}/${d.pick(NOUNS)}/${d.int(1, 99)}`],
  [/language$|locale$|culture$/i, (d) => d.pick(['en-US', 'de-DE', 'ja-JP', 'pt-BR'])],
  [/encoding$|charset$/i, (d) => d.pick(['utf-8', 'iso-8859-1'])],
  [/version$/i, (d) => `${d.int(1, 3)}.${d.int(0, 9)}`],
  [/[a-z0-9](Id|ID|Guid|GUID|Uuid)$|^guid$|^uuid$/, uuid],
  [/^sub[A-Z]/, (d) => d.pick(AREAS)],
  [/provider$|vendor$|organi[sz]ation$|company(name)?$|publisher$|manufacturer$/i, (d) => d.pick(COMPANIES)],
  [/tags?$|labels?$|keywords?$/i, (d) => d.pick(TAGS)],
  [/groups?(names?)?$/i, (d) => d.pick(TEAMS)],
  [/(user|sender|person|owner|author|contact|manager)(display)?name$|assignedto$|owner$|author$|(created|modified|updated)by$/i, (d) => d.pick(PEOPLE)],
  [/name$|title$/i, (d) => `${d.pick(WORDS)} ${d.pick(NOUNS)}`],
  [/description$|comments?$|notes?$|remarks?$|summary$|information$|message$|reason$|remediation$|positives$|details?$|subject$|text$/i, (d) => `${d.pick(SENTENCES)}.`],
  [/impact$|cost$|severity$|priority$|level$|tier$/i, (d) => d.pick(LEVELS)],
  [/score$|percent(age)?$|rank$|rating$/i, (d) => String(d.pick([0, 10, 25, 50, 75, 90, 100]))],
];

/** A readable fallback from the property's own name: `controlCategory` → `Control category 17`. */
export function fromName(name: string, d: Draw): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} ${d.int(1, 99)}`;
}

/** Integer ranges by what a name says it counts, first match wins (the type's own range clamps them). */
export const INTEGER_HINTS: ReadonlyArray<readonly [RegExp, (d: Draw) => number]> = [
  [/port$/i, (d) => d.int(1024, 65535)],
  [/asn$/i, (d) => d.int(1000, 65000)],
  [/protocol$/i, (d) => d.pick([1, 6, 17])],
  [/size$|bytes$|length$/i, (d) => d.int(1024, 50_000_000)],
  [/count|hits$|total|number$|quantity$/i, (d) => d.int(0, 9999)],
  [/confidence|percent|score|rank|rating/i, (d) => d.int(0, 100)],
  [/severity|priority|level$/i, (d) => d.int(0, 5)],
  [/year$/i, (d) => d.int(2015, 2026)],
];
