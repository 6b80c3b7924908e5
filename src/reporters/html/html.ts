/** Escaped-by-construction HTML: every value interpolated into `html` is escaped unless it is already Html. */

/** A piece of markup that is safe to insert as it is (built by `html` or `raw`). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML text or attribute value: `& < > " '` become entities, so no value can open a tag or leave an attribute. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** A value inside `html`: Html as is, arrays concatenated, null/undefined/false nothing, anything else escaped text. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function piece(v: HtmlValue): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(piece).join('');
  if (v === null || v === undefined || v === false) return '';
  return esc(String(v));
}

/** Tagged template: `html\`<td>${name}</td>\`` escapes `name`; nested `html` results are kept. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => (out += piece(v) + (strings[i + 1] ?? '')));
  return new Html(out);
}

/** Markup written by rig itself (the stylesheet); never pass data here. */
export function trusted(markup: string): Html {
  return new Html(markup);
}
