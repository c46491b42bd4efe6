import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { loadGraphDefinition } from '../graph/registry';
import { csdlDocument } from './csdl';
import { sampleDefinition as definition, TRICKY } from './test-data';

type Node = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', htmlEntities: true, isArray: (name, _path, _leaf, isAttribute) => !isAttribute && !['edmx:Edmx', 'edmx:DataServices', 'EntityContainer', 'Key'].includes(name) });
const schemaOf = (xml: string) => ((parser.parse(xml) as { 'edmx:Edmx': { 'edmx:DataServices': { Schema: Node[] } } })['edmx:Edmx']['edmx:DataServices'].Schema[0] ?? {}) as Record<string, Node[] | Node>;
const named = (list: unknown, name: string) => (list as Node[] | undefined)?.find((n) => n.Name === name);

describe('the CSDL document', () => {
  const beta = csdlDocument(definition(), 'beta');
  const schema = schemaOf(beta);

  test('is well-formed and escapes descriptions, which parse back verbatim', () => {
    expect(XMLValidator.validate(beta)).toBe(true);
    const widget = named(schema.EntityType, 'widget');
    expect((widget?.Annotation as Node[])[0]).toEqual({ Term: 'Org.OData.Core.V1.Description', String: TRICKY });
    expect(named(named(schema.EnumType, 'colour')?.Member, 'red')).toMatchObject({ Value: '0', Annotation: [{ String: TRICKY }] });
  });

  test('states the key once, on the type that declares it, and derived types add only their own properties', () => {
    const entity = named(schema.EntityType, 'entity');
    expect(entity).toMatchObject({ Abstract: 'true', Key: { PropertyRef: [{ Name: 'id' }] } });
    const widget = named(schema.EntityType, 'widget');
    expect(widget?.Key).toBeUndefined();
    expect(widget?.BaseType).toBe('microsoft.graph.entity');
    expect((widget?.Property as Node[]).map((p) => [p.Name, p.Type, p.Nullable])).toEqual([
      ['name', 'Edm.String', 'false'],
      ['colour', 'microsoft.graph.colour', undefined],
    ]);
  });

  test('a one-segment set is an EntitySet; a deeper one a containment below a singleton and single-valued steps', () => {
    const container = schema.EntityContainer as Node;
    expect(container.EntitySet).toEqual([{ Name: 'widgets', EntityType: 'microsoft.graph.widget' }]);
    expect(container.Singleton).toEqual([{ Name: 'org', Type: 'microsoft.graph.org' }]);
    expect(named(schema.EntityType, 'org')).toMatchObject({ BaseType: 'microsoft.graph.entity', NavigationProperty: [{ Name: 'lab', Type: 'microsoft.graph.lab', ContainsTarget: 'true', Nullable: 'false' }] });
    expect(named(schema.EntityType, 'lab')).toMatchObject({ NavigationProperty: [{ Name: 'gadgets', Type: 'Collection(microsoft.graph.gadget)', ContainsTarget: 'true' }] });
  });

  test('declares bound actions with the binding parameter, the parameters and the return type', () => {
    expect(named(schema.Action, 'polish')).toEqual({
      Name: 'polish',
      IsBound: 'true',
      Parameter: [
        { Name: 'bindingParameter', Type: 'microsoft.graph.widget', Nullable: 'false' },
        { Name: 'times', Type: 'Edm.Int32', Nullable: 'false' },
        { Name: 'notes', Type: 'Collection(Edm.String)' },
      ],
      ReturnType: [{ Type: 'microsoft.graph.widget' }],
    });
  });

  test('another version root lists only the sets it serves, but every type', () => {
    const v1 = schemaOf(csdlDocument(definition(), 'v1.0'));
    expect((v1.EntityContainer as Node).Singleton).toBeUndefined();
    expect((v1.EntityContainer as Node).EntitySet).toEqual([{ Name: 'widgets', EntityType: 'microsoft.graph.widget' }]);
    expect(named(v1.EntityType, 'gadget')).toBeDefined();
  });

  test("is deterministic, and for schemas/ one Schema in Graph's namespace", () => {
    const graph = loadGraphDefinition();
    const text = csdlDocument(graph, 'beta');
    expect(csdlDocument(graph, 'beta')).toBe(text);
    const schemas = (parser.parse(text) as { 'edmx:Edmx': { 'edmx:DataServices': { Schema: Node[] } } })['edmx:Edmx']['edmx:DataServices'].Schema;
    expect(schemas.map((s) => s.Namespace)).toEqual(['microsoft.graph']);
  });
});
