import type { OptDef } from './command-def.js';
import type { Ctl } from './ctl.js';
import type { ParsedCommand } from './parsed-command.js';
import { formatTable } from './table.js';

/**
 * `--json`, tsvirsh's addition to every listing and info command: the same facts as virsh's text,
 * for programs. Hidden from `help CMD` so that virsh's help pages stay byte for byte.
 */
export const jsonOpt: OptDef = { name: 'json', type: 'bool', hidden: true, help: 'print the result as JSON' };

/** A JSON value; a bigint (libvirt's unsigned long long) is written as an exact integer. */
export type JSONValue = string | number | bigint | boolean | null | readonly JSONValue[] | { readonly [key: string]: JSONValue };

/** Whether a command prints JSON: it was given `--json`, or tsvirsh was. */
export function wantsJSON(ctl: Ctl, cmd: ParsedCommand): boolean {
  return cmd.bool('json') || (ctl.opts.json === true && cmd.def.options.some((o) => o.name === 'json'));
}

/** JSON.stringify's layout, with bigints as their exact digits (JSON numbers have no size limit). */
export function toJSON(value: JSONValue): string {
  const marks: string[] = [];
  const text = JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `\u0000${marks.push(v.toString()) - 1}\u0000` : v), 2);
  return text.replace(/"\\u0000(\d+)\\u0000"/g, (_, i: string) => marks[Number(i)]!);
}

function printJSON(ctl: Ctl, value: JSONValue): void {
  ctl.print(`${toJSON(value)}\n`);
}

/** One line of a `Label:   value` listing (dominfo, nodeinfo, net-info ...). */
export interface Field {
  readonly label: string;
  /** Its name in the JSON object. */
  readonly key: string;
  readonly value: JSONValue;
  /** How virsh prints the value; String(value) when absent. */
  readonly text?: string;
}

/** Prints fields as virsh does (label padded to `width`, a space, the value) or as one JSON object. */
export function printFields(ctl: Ctl, cmd: ParsedCommand, fields: readonly Field[], width: number): void {
  if (wantsJSON(ctl, cmd)) {
    printJSON(ctl, Object.fromEntries(fields.map((f) => [f.key, f.value])));
    return;
  }
  ctl.print(fields.map((f) => `${f.label.padEnd(width)} ${f.text ?? String(f.value)}\n`).join(''));
}

/** A column of a virsh table and the JSON key that carries the same fact. */
export interface Column<Row> {
  readonly title: string;
  readonly key: string;
  readonly value: (row: Row) => JSONValue;
  /** How virsh prints the cell; String(value) when absent. */
  readonly text?: (row: Row) => string;
  /** A fact virsh's table does not show but programs want (a domain's uuid beside its name). */
  readonly jsonOnly?: boolean;
}

/**
 * The columns a selector option keeps (`--name`, `--uuid`, `--id`), in the order given: the
 * JSON of `list --uuid --name --json` has those keys only, as the text has those words only.
 */
export function selectColumns<Row>(columns: readonly Column<Row>[], keys: readonly string[]): Column<Row>[] {
  return keys.flatMap((k) => columns.filter((c) => c.key === k));
}

/** Prints rows as virsh's table (header unless -q) or as a JSON array of objects. */
export function printTable<Row>(ctl: Ctl, cmd: ParsedCommand, columns: readonly Column<Row>[], rows: readonly Row[]): void {
  if (wantsJSON(ctl, cmd)) {
    printJSON(ctl, rows.map((r) => Object.fromEntries(columns.map((c) => [c.key, c.value(r)]))));
    return;
  }
  const shown = columns.filter((c) => !c.jsonOnly);
  const cells = rows.map((r) => shown.map((c) => (c.text ? c.text(r) : String(c.value(r)))));
  ctl.print(formatTable(shown.map((c) => c.title), cells, !ctl.opts.quiet));
}

/** For commands whose whole answer is one value (domstate, domid, vcpucount ...). */
export function printValue(ctl: Ctl, cmd: ParsedCommand, value: JSONValue, text: string): void {
  if (wantsJSON(ctl, cmd)) printJSON(ctl, value);
  else ctl.print(text);
}
