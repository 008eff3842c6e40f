// A small RFC 4180 CSV reader (quoted fields, doubled quotes, CRLF), reporting the line of any error.
import { fail } from '../errors.js';

export interface CsvTable {
  header: string[];
  rows: string[][];
}

export function parseCsv(text: string, fileName = 'CSV'): CsvTable {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let line = 1;
  let quoteLine = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field.length > 0) fail('format', `${fileName} line ${line}: a quote inside an unquoted field`);
      inQuotes = true;
      quoteLine = line;
    } else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      if (!(record.length === 1 && record[0] === '')) records.push(record);
      record = [];
      field = '';
      line++;
    } else field += ch;
  }
  if (inQuotes) fail('format', `${fileName}: the quoted field opened on line ${quoteLine} is never closed`);
  record.push(field);
  if (!(record.length === 1 && record[0] === '')) records.push(record);
  if (records.length === 0) fail('data', `${fileName} is empty`);
  const [header, ...rows] = records as [string[], ...string[][]];
  const normalized = header.map((h) => h.trim().replace(/^\uFEFF/, ''));
  rows.forEach((row, i) => {
    if (row.length !== normalized.length) {
      fail('format', `${fileName} record ${i + 2}: expected ${normalized.length} fields (${normalized.join(', ')}), found ${row.length}`);
    }
  });
  return { header: normalized, rows };
}
