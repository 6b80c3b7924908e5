/**
 * Ansible's `!unsafe`: a string that is never templated, whatever `{{ }}` it holds. The YAML reader registers such
 * strings here (a string cannot carry a mark), and the Jinja renderer leaves every registered text as it is — also an
 * equal text that came from elsewhere, which errs on the side of not evaluating.
 * Source: https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_advanced_syntax.html#unsafe-or-raw-strings
 */
const unsafeTexts = new Set<string>();

/** Mark a string `!unsafe` and return it unchanged. */
export function markUnsafe<T extends string>(text: T): T {
  unsafeTexts.add(text);
  return text;
}

/** Whether a string was marked `!unsafe`. */
export function isUnsafeText(value: unknown): boolean {
  return typeof value === 'string' && unsafeTexts.has(value);
}
