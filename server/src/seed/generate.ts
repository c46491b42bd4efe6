/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROVIDERS = ['Microsoft Defender for Endpoint', 'Contoso ThreatIntel', 'Fabrikam Shield', 'Litware Sentinel', 'Northwind IDS'];
const GROUPS = ['PLATINUM', 'STRONTIUM', 'GALLIUM', 'NOBELIUM', 'ZINC', 'HOLMIUM'];
const CATEGORIES = [
  ['Botnet', 'Host is part of a botnet'],
  ['Scanner', 'Host scans the internet'],
  ['TOR', 'Tor exit node'],
  ['Phishing', 'Hosts phishing pages'],
  ['Malware', 'Distributes malware'],
];
const PLACES = [
  ['Seattle', 'US', 'Washington', 'Contoso Hosting', 8075],
  ['Amsterdam', 'NL', 'North Holland', 'Fabrikam Cloud', 1136],
  ['Singapore', 'SG', 'Singapore', 'Litware Networks', 4657],
  ['São Paulo', 'BR', 'São Paulo', 'Northwind Telecom', 28573],
  ['Frankfurt', 'DE', 'Hesse', 'Adventure Works DC', 3320],
] as const;
const TAGS = ['watchlist', 'false-positive', 'reviewed', 'escalated', 'internal', 'customer-reported'];
const RISK = ['0', '10', '25', '50', '75', '90', '100'];

/**
 * `count` realistic ipSecurityProfiles, deterministic for a seed (same seed, same bytes), valid under both
 * validation profiles. Ids are fixed (`seed-<seed>-<n>`) so runs can refer to them.
 */
export function generateProfiles(count: number, seed = 1): Record<string, unknown>[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const base = Date.UTC(2024, 0, 1);
  const out: Record<string, unknown>[] = [];
  for (let n = 0; n < count; n++) {
    const first = base + Math.floor(random() * 700 * 86400000);
    const last = first + Math.floor(random() * 60 * 86400000);
    const [city, country, state, organization, asn] = pick(PLACES);
    const [category, description] = pick(CATEGORIES);
    const provider = pick(PROVIDERS);
    out.push({
      id: `seed-${seed}-${n + 1}`,
      activityGroupNames: random() < 0.4 ? [pick(GROUPS)] : [],
      address: `${10 + Math.floor(random() * 200)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`,
      azureSubscriptionId: `00000000-0000-4000-8000-${String(Math.floor(random() * 1e12)).padStart(12, '0')}`,
      azureTenantId: `tenant-${1 + Math.floor(random() * 5)}`,
      countHits: Math.floor(random() * 10000),
      countHosts: 1 + Math.floor(random() * 50),
      firstSeenDateTime: new Date(first).toISOString().replace('Z', '+00:00'),
      ipCategories: [{ description, name: category, vendor: provider }],
      ipReferenceData: [{ asn, city, countryOrRegionCode: country, organization, state, vendor: provider }],
      lastSeenDateTime: new Date(last).toISOString().replace('Z', '+00:00'),
      riskScore: pick(RISK),
      tags: random() < 0.5 ? [pick(TAGS)] : [pick(TAGS), pick(TAGS)].filter((t, i, a) => a.indexOf(t) === i),
      vendorInformation: { provider, providerVersion: `${1 + Math.floor(random() * 3)}.${Math.floor(random() * 10)}`, subProvider: random() < 0.3 ? null : 'Network Protection', vendor: 'Microsoft' },
    });
  }
  return out;
}
