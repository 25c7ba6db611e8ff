import type { ImportEntryRef, ImportReportData } from '../import.types.js';

const entry = (e: ImportEntryRef) => `  ${e.kind} ${e.id}${e.version ? ` ${e.version}` : ''}${e.fimId ? ` (FIM ${e.fimId})` : ''}${e.message ? `: ${e.message}` : ''}`;

/** The import report as the CLI prints it (German). */
export function formatReport(report: ImportReportData): string {
  const lines = [
    `Import ${report.format ?? '(Format nicht erkannt)'} für ${report.organisationId}${report.dryRun ? ' – Probelauf, nichts geschrieben' : ''}${report.lenient ? ' – nachsichtiger Modus' : ''}`,
    `Datei SHA-256 ${report.fileHash}`,
  ];
  const CHANGE = { ADDED: 'neu', REMOVED: 'entfernt', CHANGED: 'geändert' } as const;
  const PROPERTY = { TITLE: 'Beschriftung', TYPE: 'Datentyp', CONSTRAINT: 'Einschränkung', MULTIPLICITY: 'Anzahl', CODE_LIST: 'Codeliste' } as const;
  const section = (title: string, list: ImportEntryRef[]) => {
    lines.push(`${title}: ${list.length}`);
    for (const e of list) {
      lines.push(entry(e));
      if (e.changes) {
        lines.push(`    Felder gegenüber Version ${e.comparedWith}: ${e.changes.length ? '' : 'keine Änderung'}`);
        for (const c of e.changes) lines.push(`      ${CHANGE[c.change]} ${c.path}${c.id ? ` (${c.id})` : ''}${c.properties.length ? `: ${c.properties.map((p) => PROPERTY[p]).join(', ')}` : ''}`);
      }
      for (const r of e.rules ?? []) lines.push(`    Regel ${r.fimId} „${r.name}“ an ${r.appliesTo.map((a) => a || '(Formular)').join(', ')}${r.description ? `: ${r.description}` : ''}`);
      if (e.routing) lines.push(`    Weiterleitung: ${e.routing.message}`);
    }
  };
  section('Angelegt', report.created);
  section('Aktualisiert', report.updated);
  section('Unverändert', report.unchanged);
  section('Konflikte', report.conflicts);
  lines.push(`Hinweise: ${report.warnings.length}`, ...report.warnings.map((w) => `  ${w.code}${w.line ? ` Zeile ${w.line}` : ''}: ${w.message}`));
  lines.push(`Fehler: ${report.errors.length}`, ...report.errors.map((w) => `  ${w.code}${w.line ? ` Zeile ${w.line}` : ''}: ${w.message}`));
  lines.push(report.errors.length ? 'Der Import wurde abgelehnt; es wurde nichts geschrieben.' : report.applied ? 'Der Import wurde übernommen.' : 'Es wurde nichts geändert.');
  return `${lines.join('\n')}\n`;
}
