import type { ImportEntryRef, ImportReportData } from '../import.types.js';

const entry = (e: ImportEntryRef) => `  ${e.kind} ${e.id}${e.version ? ` ${e.version}` : ''}${e.fimId ? ` (FIM ${e.fimId})` : ''}${e.message ? `: ${e.message}` : ''}`;

/** The import report as the CLI prints it (German). */
export function formatReport(report: ImportReportData): string {
  const lines = [
    `Import ${report.format ?? '(Format nicht erkannt)'} für ${report.organisationId}${report.dryRun ? ' – Probelauf, nichts geschrieben' : ''}${report.lenient ? ' – nachsichtiger Modus' : ''}`,
    `Datei SHA-256 ${report.fileHash}`,
  ];
  const section = (title: string, list: ImportEntryRef[]) => {
    lines.push(`${title}: ${list.length}`);
    lines.push(...list.map(entry));
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
