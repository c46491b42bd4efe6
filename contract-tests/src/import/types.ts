/** Where a fact comes from: a page (as given on the command line) and a 1-based line. */
export interface SourceRef {
  file: string;
  line: number;
}

/** One finding of an import: `file:line: rule: message`. */
export interface ImportFinding extends SourceRef {
  rule: ImportRule;
  message: string;
}

/** Every rule the importer reports, with what it means (the README's table is written from this). */
export const IMPORT_RULES = {
  'page-kind': 'a page whose kind (resource, API, enum) comes from its structure because its front matter has no known doc_type, or a page that is none of them',
  'page-unreadable': 'a page (given or linked) that cannot be read',
  'loader': "a finding of the shared doc loader (annotation-json, body-json, unclosed-block, ...), passed through",
  'missing-page': 'a linked type page that is neither among the given pages nor in the linked folder: the type is modelled as an open complex type (enums: as a string)',
  'link-casing': "a link whose file name differs in casing from the page it finds",
  'duplicate-type': 'a type that more than one page defines: the first page (in path order) is used',
  'name-casing': 'a type, property, path segment or enum member spelled differently in casing across sources; the lowerCamelCase spelling wins',
  'resource-block': 'a resource page with no, two or an invalid `blockType: resource` JSON representation, or one without `@odata.type`',
  'table-json-mismatch': 'a property whose table row and JSON representation disagree (type, collection-ness, or present in only one of them)',
  'property-from-api-page': "a property that only an API page's request-body table names",
  'api-table-mismatch': "an API page's request-body row whose type disagrees with the resource's property",
  'possible-values': '"Possible values are" on a primitive property (kept primitive, values become examples) or on an enum whose table differs',
  'enum-member-casing': "an enum member that the values table and a description spell in different casing",
  'enum-from-description': "an enum built from a property's \"Possible values are\" because no values table defines it",
  'base-type': 'a base type that is assumed (entity types derive from microsoft.graph.entity) or cannot be found',
  'key': 'an entity type whose key cannot be determined, or a keyProperty that is not a property',
  'request-line': 'an HTTP request line that cannot be read as an entity-set path, a key segment or a bound operation',
  'path-casing': 'one entity set written with different casing by different request lines; the lowerCamelCase spelling wins',
  'permissions': 'a permissions table that is missing or says TODO',
  'operation': 'a bound action or function whose parameters or return type cannot be read',
  'required-omitted': "a property the create page lists as required but one of the pages' own create bodies omits: it is not required by the 'doc' contract",
  'example-invalid': 'a doc example that is not valid against the imported schema and is left out of `examples`',
  'example-synthesized': 'a schema whose pages give no valid example, so one is generated from its properties',
  'known-type': 'a type that schemas/ already defines by hand: it is referenced, not written',
  'would-overwrite': 'an output file that exists and was not written by the importer: it is left alone',
  'schema-compile': 'an emitted schema that ajv (strict, as the server compiles it) refuses',
} as const;

/** A rule name of {@link IMPORT_RULES}. */
export type ImportRule = keyof typeof IMPORT_RULES;

/** A property of an imported structured type. */
export interface PropertyDraft {
  name: string;
  /** `Edm.String`, … or a qualified type name (complex or enum). */
  type: string;
  collection: boolean;
  nullable: boolean;
  readOnly: boolean;
  /** Marked required on its page (`*`, "Required."): used by the doc create contract only. */
  required: boolean;
  description: string;
  /** "Possible values are" of a primitive property, kept as its examples. */
  values: string[];
  source: SourceRef;
}

/** A navigation property from a Relationships table. */
export interface NavigationDraft {
  name: string;
  type: string;
  collection: boolean;
  source: SourceRef;
}

/** One member of an enum type, in documented order. */
export interface EnumMember {
  name: string;
  value?: number;
  description?: string;
}

/** An entity, complex or enum type, as the pages define it. */
export interface TypeDraft {
  kind: 'entity' | 'complex' | 'enum';
  /** Qualified name, e.g. `microsoft.graph.tiIndicator`. */
  name: string;
  description: string;
  baseType: string | undefined;
  key: string | undefined;
  abstract: boolean;
  open: boolean;
  properties: PropertyDraft[];
  navigation: NavigationDraft[];
  members: EnumMember[];
  /** Set when no page defines the type (it is modelled from references only). */
  stub: boolean;
  sources: SourceRef[];
}

/** The HTTP methods an entity set serves, on the collection and on one entity. */
export interface MethodsDraft {
  collection: string[];
  entity: string[];
}

/** An entity set (a top-level collection or one contained in a singleton) from the API pages' request lines. */
export interface EntitySetDraft {
  /** Segments below the version root, e.g. `security/tiIndicators`. */
  path: string;
  /** Other paths the pages document for the same entity set (Graph moved `/bookingBusinesses` under `/solutions`). */
  aliases?: string[];
  entityType: string;
  methods: MethodsDraft;
  permissions: { read: string[]; write: string[] };
  versions: string[];
  sources: SourceRef[];
}

/** A bound action or function. */
export interface OperationDraft {
  name: string;
  kind: 'action' | 'function';
  /** What it is bound to: the entity set's collection or one entity of it. */
  bindsTo: 'collection' | 'entity';
  entityType: string;
  method: string;
  parameters: PropertyDraft[];
  returns: { type: string; collection: boolean } | undefined;
  status: number | undefined;
  /** The page's response body (parsed JSON, `@odata.context` dropped): what a mock answers for an operation it does not implement. */
  responseExample?: unknown;
  permissions: string[];
  source: SourceRef;
}
