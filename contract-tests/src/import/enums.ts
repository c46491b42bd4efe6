import { plainText } from '../markdown-structure';
import type { DocTable } from '../doc-page';
import { preferSpelling, qualify } from './edm';
import type { ImportPage } from './pages';
import type { EnumMember, ImportFinding, SourceRef, TypeDraft } from './types';

/** An enum type found on a page, with the anchor a link reaches it by (`#diamondmodel-values`). */
export interface EnumDefinition {
  draft: TypeDraft;
  anchor: string;
}

const ENUM_HEADING = /^`?(\w+)`?\s+(values|members|enum(eration)?( type)?)$/i;
const NAME_COLUMN = /^(member|name|value)$/i;

function readMembers(table: DocTable): EnumMember[] {
  const nameAt = Math.max(0, table.header.findIndex((h) => /^(member|name)$/i.test(h)));
  const valueAt = table.header.findIndex((h, i) => i !== nameAt && /^value$/i.test(h));
  const descriptionAt = table.header.findIndex((h) => /^description$/i.test(h));
  const members: EnumMember[] = [];
  for (const row of table.rows) {
    const name = plainText(row.cells[nameAt] ?? '').replace(/`/g, '').trim();
    if (!/^[A-Za-z_][\w]*$/.test(name)) continue;
    const member: EnumMember = { name };
    const value = (row.cells[valueAt] ?? '').trim();
    if (valueAt >= 0 && /^-?\d+$/.test(value)) member.value = Number(value);
    const description = descriptionAt >= 0 ? plainText(row.cells[descriptionAt] ?? '') : '';
    if (description !== '') member.description = description;
    members.push(member);
  }
  return members;
}

/** An enum draft with its members. */
export function enumDraft(name: string, members: EnumMember[], description: string, source: SourceRef): TypeDraft {
  return { kind: 'enum', name, description, baseType: undefined, key: undefined, abstract: false, open: false, properties: [], navigation: [], members, stub: false, sources: [source] };
}

/**
 * The enum types a page defines: every `Member` (or `Value`) table under a heading `X values` (Graph's enums.md and
 * resource pages) or `X enum type`; on an enum page whose title names one enum, its single table.
 */
export function readEnumTables(ip: ImportPage): EnumDefinition[] {
  const { page } = ip;
  const out: EnumDefinition[] = [];
  const title = page.headings.find((h) => h.level === 1);
  for (const table of page.tables) {
    if (!NAME_COLUMN.test(table.header[0] ?? '') || /^type$/i.test(table.header[1] ?? '')) continue;
    const heading = table.heading;
    const named = ENUM_HEADING.exec(heading?.text ?? '') ?? (ip.kind === 'enum' && heading === title ? ENUM_HEADING.exec(title?.text ?? '') : null);
    if (!named?.[1] || !heading) continue;
    const members = readMembers(table);
    if (members.length === 0) continue;
    out.push({ draft: enumDraft(qualify(named[1], ip.namespace), members, plainText(table.intro), { file: page.file, line: heading.line }), anchor: heading.anchor });
  }
  return out;
}

/** The members a description lists after "Possible values are" (backticked, else a plain list of identifiers). */
export function possibleValues(description: string): string[] {
  const m = /\b(?:possible|acceptable|allowed|supported) values (?:are|include)\b\s*:?\s*/i.exec(description);
  if (!m) return [];
  let rest = description.slice(m.index + m[0].length);
  const ticked: string[] = [];
  const NEXT = /^\s*(?:,\s*)?(?:\b(?:and|or)\b\s*)?`([^`]+)`/i;
  for (let t = NEXT.exec(rest); t; t = NEXT.exec(rest)) {
    ticked.push((t[1] ?? '').trim());
    rest = rest.slice(t[0].length);
  }
  if (ticked.length > 0) return ticked;
  const plain = (rest.split(/\.(\s|$)/)[0] ?? '').split(/,|\bor\b|\band\b/).map((s) => s.trim());
  return plain.length >= 2 && plain.every((s) => /^[A-Za-z_]\w*$/.test(s)) ? plain : [];
}

/**
 * Merges an enum's table members with a property's "Possible values": table order, each member spelled in lowerCamelCase
 * when the two spell it differently, and members only the description names inserted where the description puts them.
 */
export function mergeMembers(type: TypeDraft, listed: readonly string[], at: SourceRef, findings: ImportFinding[]): void {
  const table = type.members;
  const lower = (s: string) => s.toLowerCase();
  const inTable = new Set(table.map((m) => lower(m.name)));
  const emitted = new Set<string>();
  const merged: EnumMember[] = [];
  const added: string[] = [];
  const emitListedBefore = (end: number) => {
    for (const name of listed.slice(0, end)) {
      if (inTable.has(lower(name)) || emitted.has(lower(name))) continue;
      emitted.add(lower(name));
      merged.push({ name });
      added.push(name);
    }
  };
  for (const member of table) {
    const j = listed.findIndex((l) => lower(l) === lower(member.name));
    if (j >= 0) {
      emitListedBefore(j);
      const spelled = preferSpelling([member.name, listed[j] ?? member.name]);
      if (spelled !== member.name || (listed[j] ?? '') !== member.name) {
        findings.push({ ...at, rule: 'enum-member-casing', message: `${type.name}: the values table writes '${member.name}', the description '${listed[j] ?? ''}'; '${spelled}' is used` });
      }
      merged.push({ ...member, name: spelled });
    } else merged.push(member);
    emitted.add(lower(member.name));
  }
  emitListedBefore(listed.length);
  if (added.length > 0) findings.push({ ...at, rule: 'possible-values', message: `${type.name}: the description lists ${added.map((a) => `'${a}'`).join(', ')}, which its values table lacks; added as members` });
  type.members = merged;
}
