import { toStoredEntity } from '../../graph/entity-shape';
import { loadGraphDefinition } from '../../graph/registry';
import type { Entity } from '../../store/store';

const { model } = loadGraphDefinition();
/** The entity type every query test runs against. */
export const PROFILE = model.resolveType('microsoft.graph.ipSecurityProfile')!;
/** The model the query tests use. */
export const MODEL = model;

/** Four profiles chosen to exercise nulls, dates with offsets, collections and casing. */
export const PROFILES: Entity[] = [
  { id: 'a', address: '10.0.0.1', countHits: 5, firstSeenDateTime: '2016-12-31T23:57:27.0365895+03:00', tags: ['x', 'y'], ipCategories: [{ name: 'Botnet' }], vendorInformation: { provider: 'Contoso' }, riskScore: '10', azureTenantId: 't' },
  { id: 'b', address: '10.0.0.2', countHits: 50, firstSeenDateTime: '2016-12-31T20:00:00Z', tags: [], ipCategories: [], vendorInformation: { provider: 'Fabrikam' }, riskScore: null, azureTenantId: 't' },
  { id: 'c', address: null, countHits: null, firstSeenDateTime: null, tags: ['y'], ipCategories: [{ name: 'TOR' }, { name: 'Botnet' }], vendorInformation: null, riskScore: "O'Brien", azureTenantId: 't' },
  { id: 'd', address: 'host.EXAMPLE.com', countHits: 0, firstSeenDateTime: '2017-01-01T00:00:00Z', tags: ['x'], ipCategories: [{ name: null }], vendorInformation: { provider: 'contoso' }, riskScore: '90', azureTenantId: 't' },
].map((p) => toStoredEntity(p, p.id, PROFILE, MODEL));
