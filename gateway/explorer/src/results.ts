/**
 * The last result GraphiQL received (the fetcher records it) and its lists as tables: every array of objects in
 * `data`, by path; columns are the objects' fields, nested objects flattened to `a.b`, lists of scalars joined.
 */
import { useSyncExternalStore } from 'react';

let last: unknown = undefined;
const listeners = new Set<() => void>();

export function recordResult(result: unknown): void {
  last = result;
  for (const listener of listeners) listener();
}

export function useLastResult(): unknown {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => last,
  );
}

type Row = Record<string, string>;
export interface Table {
  path: string;
  columns: string[];
  rows: Row[];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value))
    return value.map((item) => (isObject(item) || Array.isArray(item) ? JSON.stringify(item) : cell(item))).join('; ');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function flatten(object: Record<string, unknown>, prefix = '', into: Row = {}): Row {
  for (const [key, value] of Object.entries(object)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isObject(value)) flatten(value, name, into);
    else into[name] = cell(value);
  }
  return into;
}

/** Every list of objects in the result's data, outermost first. */
export function tablesOf(result: unknown): Table[] {
  const tables: Table[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      const objects = value.filter(isObject);
      if (objects.length > 0) {
        const rows = objects.map((object) => flatten(object));
        const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
        tables.push({ path, columns, rows });
      }
      value.forEach((item, index) => walk(item, `${path}[${index}]`));
    } else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
    }
  };
  if (isObject(result)) walk(result.data, '');
  return tables;
}

const csvField = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** RFC 4180 CSV: a header row, then one line per row, CRLF line ends. */
export function toCsv(table: Table): string {
  const lines = [table.columns, ...table.rows.map((row) => table.columns.map((column) => row[column] ?? ''))];
  return lines.map((line) => line.map(csvField).join(',')).join('\r\n') + '\r\n';
}
